//! Alternatives files (`data/alternatives.json`, a reviewer's `--alternatives`
//! file): the format of `data/alternatives.schema.json`, checked and turned
//! into an [`AlternativeBook`].

use crate::model::advise::book::{
    AlternativeBook, BookEntry, HardeningDef, HeldPattern, HolderState, Mechanism, Trigger, Written,
};
use crate::model::claim::NamePattern;
use crate::model::microsoft::MicrosoftCatalog;
use crate::model::paths::{APIS, OUTCOMES};
use crate::model::permission::PermissionKind;
use crate::model::read::ReadError;
use crate::model::read::json::{self, Fault, Step, join};
use crate::model::text;
use serde::Deserialize;

/// Longest text field, in characters.
use crate::model::read::limits::MAX_TEXT_CHARS as MAX_TEXT;
/// The placeholders a hardening step's text may use.
const PLACEHOLDERS: [&str; 4] = ["{app}", "{permissions}", "{outcomes}", "{consent_by}"];

impl AlternativeBook {
    /// The alternatives shipped with permscope (`data/alternatives.json`).
    pub fn bundled() -> AlternativeBook {
        // A test proves the bundled file loads, so this cannot fail at run time.
        AlternativeBook::from_json(
            include_str!("../../../data/alternatives.json"),
            "data/alternatives.json",
        )
        .expect("bundled data/alternatives.json is valid (tested)")
    }

    /// Reads a complete alternatives file; `origin` names it in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<AlternativeBook, ReadError> {
        let doc: Doc = json::parse(text, origin)?;
        check(&doc, None).map_err(|f| f.locate(text, origin))?;
        Ok(build(doc).0)
    }

    /// Layers a reviewer's file on top (see [`AlternativeBook::layer`]); its
    /// `remove_hardening` may only name steps of the book below.
    pub fn layer_json(&mut self, text: &str, origin: &str) -> Result<(), ReadError> {
        let doc: Doc = json::parse(text, origin)?;
        check(&doc, Some(self)).map_err(|f| f.locate(text, origin))?;
        let (layer, remove) = build(doc);
        self.layer(layer, &remove);
        Ok(())
    }
}

// ---- the file format (see data/alternatives.schema.json) ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc {
    #[serde(rename = "$schema", default, deserialize_with = "text::checked_opt")]
    _schema: Option<String>,
    version: u32,
    #[serde(default, deserialize_with = "text::checked_opt")]
    description: Option<String>,
    #[serde(default)]
    alternatives: Vec<EntryDoc>,
    #[serde(default)]
    just_in_time: Option<MechanismDoc>,
    #[serde(default)]
    hardening: Vec<HardeningDoc>,
    #[serde(default, deserialize_with = "text::checked_vec")]
    remove_hardening: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryDoc {
    #[serde(deserialize_with = "text::checked")]
    api: String,
    #[serde(rename = "type")]
    kind: PermissionKind,
    #[serde(deserialize_with = "text::checked")]
    permission: String,
    instead: Vec<AlternativeDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlternativeDoc {
    #[serde(default, deserialize_with = "text::checked_opt")]
    api: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<PermissionKind>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    permission: Option<String>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    mechanism: Option<String>,
    #[serde(deserialize_with = "text::checked")]
    gives_up: String,
    #[serde(deserialize_with = "text::checked")]
    fits_when: String,
    #[serde(deserialize_with = "text::checked")]
    source: String,
    #[serde(default)]
    reduce: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MechanismDoc {
    #[serde(deserialize_with = "text::checked")]
    mechanism: String,
    #[serde(deserialize_with = "text::checked")]
    gives_up: String,
    #[serde(deserialize_with = "text::checked")]
    fits_when: String,
    #[serde(deserialize_with = "text::checked")]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HardeningDoc {
    #[serde(deserialize_with = "text::checked")]
    id: String,
    when: WhenDoc,
    #[serde(deserialize_with = "text::checked")]
    step: String,
    #[serde(deserialize_with = "text::checked")]
    why: String,
    #[serde(deserialize_with = "text::checked")]
    source: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct WhenDoc {
    #[serde(default)]
    holds: Option<Vec<HoldsDoc>>,
    #[serde(default)]
    types: Option<Vec<PermissionKind>>,
    #[serde(default)]
    credential_holder: Option<Vec<HolderDoc>>,
    #[serde(default)]
    onboarding: Option<bool>,
    #[serde(default, deserialize_with = "checked_opt_vec")]
    consent_by: Option<Vec<String>>,
    #[serde(default)]
    outcomes: Option<Vec<String>>,
}

/// serde helper: an optional list of strings without unsafe characters.
fn checked_opt_vec<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    text::checked_vec(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HoldsDoc {
    #[serde(deserialize_with = "text::checked")]
    api: String,
    #[serde(rename = "type", default)]
    kind: Option<PermissionKind>,
    #[serde(deserialize_with = "text::checked")]
    permission: String,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum HolderDoc {
    Vendor,
    Customer,
    Unknown,
}

/// The book a checked file describes, and the hardening ids it removes.
fn build(doc: Doc) -> (AlternativeBook, Vec<String>) {
    let canonical = |a: &str| canonical_api(a).unwrap_or(a).to_string();
    let entries = doc
        .alternatives
        .into_iter()
        .map(|e| BookEntry {
            api: canonical(&e.api),
            kind: e.kind,
            permission: e.permission,
            instead: e
                .instead
                .into_iter()
                .map(|a| Written {
                    api: a.api.as_deref().map(canonical),
                    kind: a.kind,
                    reduce: a.reduce.unwrap_or(false),
                    permission: a.permission,
                    mechanism: a.mechanism,
                    gives_up: a.gives_up,
                    fits_when: a.fits_when,
                    source: a.source,
                })
                .collect(),
        })
        .collect();
    let hardening = doc
        .hardening
        .into_iter()
        .map(|h| {
            let when = Trigger {
                holds: h
                    .when
                    .holds
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| HeldPattern {
                        api: canonical(&p.api),
                        kind: p.kind,
                        pattern: NamePattern::new(&p.permission),
                        written: p.permission,
                    })
                    .collect(),
                kinds: h.when.types.unwrap_or_default(),
                credential_holder: h
                    .when
                    .credential_holder
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| match c {
                        HolderDoc::Vendor => HolderState::Vendor,
                        HolderDoc::Customer => HolderState::Customer,
                        HolderDoc::Unknown => HolderState::Unknown,
                    })
                    .collect(),
                onboarding: h.when.onboarding,
                consent_by: h.when.consent_by.unwrap_or_default(),
                outcomes: h.when.outcomes.unwrap_or_default(),
            };
            HardeningDef {
                id: h.id,
                step: h.step,
                why: h.why,
                source: h.source,
                when,
            }
        })
        .collect();
    let just_in_time = doc.just_in_time.map(|m| Mechanism {
        mechanism: m.mechanism,
        gives_up: m.gives_up,
        fits_when: m.fits_when,
        source: m.source,
    });
    (
        AlternativeBook {
            entries,
            just_in_time,
            hardening,
        },
        doc.remove_hardening,
    )
}

/// The canonical spelling of a resource name, when it is one of [`APIS`].
fn canonical_api(api: &str) -> Option<&'static str> {
    APIS.iter().copied().find(|a| a.eq_ignore_ascii_case(api.trim()))
}

type Checked = Result<(), Fault<'static>>;

fn check_prose(value: &str, path: &[Step<'static>]) -> Checked {
    if value.trim().is_empty() {
        return Err(Fault::new(path.to_vec(), "must not be empty"));
    }
    Fault::check_text(value, path, MAX_TEXT)
}

/// Prose whose `{...}` placeholders must be among [`PLACEHOLDERS`].
fn check_template(value: &str, path: &[Step<'static>]) -> Checked {
    check_prose(value, path)?;
    Fault::check_placeholders(value, path, &PLACEHOLDERS)
}

/// The resource's app id, or a fault naming the resources there are.
fn check_api(api: &str, path: &[Step<'static>]) -> Result<&'static str, Fault<'static>> {
    canonical_api(api).ok_or_else(|| {
        Fault::new(
            path.to_vec(),
            format!("unknown resource `{api}`: use one of {}", APIS.join(", ")),
        )
    })
}

/// A claim that Microsoft publishes for the resource and kind.
fn check_claim(
    microsoft: &MicrosoftCatalog,
    api: &str,
    kind: PermissionKind,
    name: &str,
    path: &[Step<'static>],
) -> Checked {
    if name.is_empty() || name.chars().any(char::is_whitespace) || name.chars().count() > 256 {
        return Err(Fault::new(path.to_vec(), format!("`{name}` is not a permission name")));
    }
    if name.contains('*') {
        return Err(Fault::new(
            path.to_vec(),
            format!("`{name}` is a pattern: name each permission exactly"),
        ));
    }
    let app_id = microsoft
        .resources()
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(api))
        .map(|(_, id)| id.to_string());
    let Some(app_id) = app_id else {
        // A resource the catalog does not carry: nothing to check the name against.
        return Ok(());
    };
    if microsoft.get(&app_id, kind, name).is_some() {
        return Ok(());
    }
    let hint = match microsoft.spelling(&app_id, kind, name) {
        Some(s) => format!(": Microsoft spells it `{s}`"),
        None => {
            let near = microsoft.suggest(&app_id, kind, name);
            if near.is_empty() {
                String::new()
            } else {
                format!(": did you mean {}?", near.join(", "))
            }
        }
    };
    Err(Fault::new(
        path.to_vec(),
        format!(
            "`{name}` is not {} {kind} permission of {api} in Microsoft's catalog{hint}",
            match kind {
                PermissionKind::Application => "an",
                PermissionKind::Delegated => "a",
            }
        ),
    ))
}

/// Checks what serde cannot. `base` is the book a reviewer's file is layered on.
fn check(doc: &Doc, base: Option<&AlternativeBook>) -> Checked {
    Fault::check_version(doc.version)?;
    if let Some(d) = &doc.description {
        check_prose(d, &[Step::key("description")])?;
    }
    let microsoft = MicrosoftCatalog::bundled();
    for (i, e) in doc.alternatives.iter().enumerate() {
        let here = [Step::key("alternatives"), Step::Index(i)];
        let api = check_api(&e.api, &join(&here, &[Step::key("api")]))?;
        check_claim(
            &microsoft,
            api,
            e.kind,
            &e.permission,
            &join(&here, &[Step::key("permission")]),
        )?;
        let twice = doc.alternatives[..i]
            .iter()
            .any(|p| p.kind == e.kind && p.permission == e.permission && canonical_api(&p.api) == Some(api));
        if twice {
            return Err(Fault::new(
                join(&here, &[Step::key("permission")]),
                format!(
                    "`{}` ({api}, {}) is listed twice: put all its alternatives in one entry",
                    e.permission, e.kind
                ),
            ));
        }
        for (j, a) in e.instead.iter().enumerate() {
            let there = join(&here, &[Step::key("instead"), Step::Index(j)]);
            check_alternative(&microsoft, a, api, e, &there)?;
        }
    }
    if let Some(m) = &doc.just_in_time {
        let here = [Step::key("just_in_time")];
        check_prose(&m.mechanism, &join(&here, &[Step::key("mechanism")]))?;
        check_prose(&m.gives_up, &join(&here, &[Step::key("gives_up")]))?;
        check_prose(&m.fits_when, &join(&here, &[Step::key("fits_when")]))?;
        check_prose(&m.source, &join(&here, &[Step::key("source")]))?;
    }
    for (i, h) in doc.hardening.iter().enumerate() {
        check_hardening(doc, i, h)?;
    }
    for (i, r) in doc.remove_hardening.iter().enumerate() {
        let known = base.is_some_and(|b| b.hardening.iter().any(|h| h.id == *r));
        if !known {
            return Err(Fault::new(
                vec![Step::key("remove_hardening"), Step::Index(i)],
                format!("no hardening step `{r}` to remove: only steps of the bundled (or lower) file can be removed"),
            ));
        }
    }
    Ok(())
}

fn check_alternative(
    microsoft: &MicrosoftCatalog,
    a: &AlternativeDoc,
    entry_api: &'static str,
    e: &EntryDoc,
    there: &[Step<'static>],
) -> Checked {
    match (&a.permission, &a.mechanism) {
        (Some(_), Some(_)) => {
            return Err(Fault::new(
                join(there, &[Step::key("mechanism")]),
                "give either a permission or a mechanism, not both",
            ));
        }
        (None, None) => {
            return Err(Fault::new(
                there.to_vec(),
                "an alternative needs a `permission` or a `mechanism`",
            ));
        }
        (Some(p), None) => {
            let api = match &a.api {
                Some(x) => check_api(x, &join(there, &[Step::key("api")]))?,
                None => entry_api,
            };
            let kind = a.kind.unwrap_or(e.kind);
            check_claim(microsoft, api, kind, p, &join(there, &[Step::key("permission")]))?;
            if api == entry_api && kind == e.kind && *p == e.permission {
                return Err(Fault::new(
                    join(there, &[Step::key("permission")]),
                    format!("`{p}` is the permission itself, not an alternative to it"),
                ));
            }
        }
        (None, Some(m)) => {
            check_prose(m, &join(there, &[Step::key("mechanism")]))?;
            let stray = [
                ("api", a.api.is_some()),
                ("type", a.kind.is_some()),
                ("reduce", a.reduce.is_some()),
            ];
            if let Some((field, _)) = stray.iter().find(|(_, set)| *set) {
                return Err(Fault::new(
                    join(there, &[Step::key(*field)]),
                    format!("`{field}` only goes with a `permission`: a mechanism is not granted"),
                ));
            }
        }
    }
    check_prose(&a.gives_up, &join(there, &[Step::key("gives_up")]))?;
    check_prose(&a.fits_when, &join(there, &[Step::key("fits_when")]))?;
    check_prose(&a.source, &join(there, &[Step::key("source")]))
}

fn check_hardening(doc: &Doc, i: usize, h: &HardeningDoc) -> Checked {
    let here = [Step::key("hardening"), Step::Index(i)];
    if !crate::model::read::product::is_slug(&h.id) {
        return Err(Fault::new(
            join(&here, &[Step::key("id")]),
            format!(
                "`{}` is not a valid id: use lower-case letters, digits and single hyphens",
                h.id
            ),
        ));
    }
    if doc.hardening[..i].iter().any(|p| p.id == h.id) {
        return Err(Fault::new(
            join(&here, &[Step::key("id")]),
            format!("hardening step `{}` is defined twice", h.id),
        ));
    }
    check_template(&h.step, &join(&here, &[Step::key("step")]))?;
    check_template(&h.why, &join(&here, &[Step::key("why")]))?;
    check_prose(&h.source, &join(&here, &[Step::key("source")]))?;
    let when = join(&here, &[Step::key("when")]);
    let lists = [
        ("holds", h.when.holds.as_ref().map(Vec::len)),
        ("types", h.when.types.as_ref().map(Vec::len)),
        ("credential_holder", h.when.credential_holder.as_ref().map(Vec::len)),
        ("consent_by", h.when.consent_by.as_ref().map(Vec::len)),
        ("outcomes", h.when.outcomes.as_ref().map(Vec::len)),
    ];
    if let Some((field, _)) = lists.iter().find(|(_, n)| *n == Some(0)) {
        return Err(Fault::new(
            join(&when, &[Step::key(*field)]),
            "an empty list selects nothing: leave the condition out instead",
        ));
    }
    for (j, p) in h.when.holds.iter().flatten().enumerate() {
        let at = join(&when, &[Step::key("holds"), Step::Index(j)]);
        check_api(&p.api, &join(&at, &[Step::key("api")]))?;
        let name = p.permission.trim();
        if name.is_empty() || name.chars().any(char::is_whitespace) {
            return Err(Fault::new(
                join(&at, &[Step::key("permission")]),
                format!("`{}` is not a permission name or pattern", p.permission),
            ));
        }
    }
    for (j, o) in h.when.outcomes.iter().flatten().enumerate() {
        if !OUTCOMES.contains(&o.as_str()) {
            return Err(Fault::new(
                join(&when, &[Step::key("outcomes"), Step::Index(j)]),
                format!("unknown outcome `{o}`: the outcomes are {}", OUTCOMES.join(", ")),
            ));
        }
    }
    Ok(())
}
