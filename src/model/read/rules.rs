//! Risk rule files (`data/risk.json`, a reviewer's `--risk` file): the format
//! of `data/risk.schema.json`, checked and compiled into a rule book's layer.

use crate::model::claim::NamePattern;
use crate::model::level::RiskLevel;
use crate::model::permission::PermissionKind;
use crate::model::read::ReadError;
use crate::model::read::json::{self, Fault, Step, join};
use crate::model::risk::{Entry, Layer, MAX_NAME, PathGoal, RiskBook, Rule, TakeoverPath, Verdict, owned_key};
use serde::Deserialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry as MapEntry;

use crate::model::read::limits::MAX_TEXT_CHARS as MAX_TEXT;

impl RiskBook {
    /// The rules shipped with permscope (`data/risk.json`).
    pub fn bundled() -> RiskBook {
        // A test proves the bundled file loads, so this cannot fail at run time.
        RiskBook::from_json(include_str!("../../../data/risk.json"), "data/risk.json")
            .expect("bundled data/risk.json is valid (tested)")
    }

    /// Loads a rules file; `origin` names it in errors (usually its path).
    pub fn from_json(text: &str, origin: &str) -> Result<RiskBook, ReadError> {
        let layer = read_layer(text, origin)?;
        Ok(RiskBook { layers: vec![layer] })
    }
}

/// Reads a rules file into one layer of a rule book; `origin` names it in errors.
pub(crate) fn read_layer(text: &str, origin: &str) -> Result<Layer, ReadError> {
    let doc: BookDoc = json::parse(text, origin)?;
    compile(doc).map_err(|fault| fault.locate(text, origin))
}

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
    delegated_by_admin: Option<VerdictDoc>,
    #[serde(default)]
    path: Option<PathDoc>,
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

/// A takeover or lockout path the entry's application permission opens.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathDoc {
    to: PathGoalDoc,
    direct: bool,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    needs: Option<String>,
    source: String,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum PathGoalDoc {
    Takeover,
    Lockout,
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

fn compile(doc: BookDoc) -> Result<Layer, Fault<'static>> {
    Fault::check_version(doc.version)?;
    if let Some(schema) = &doc.schema {
        check_text(schema, &[Step::key("$schema")])?;
    }
    if let Some(description) = &doc.description {
        check_text(description, &[Step::key("description")])?;
    }
    let mut entries: HashMap<Box<str>, Entry> = HashMap::with_capacity(doc.entries.len() * 2);
    let mut marked: Vec<(String, String)> = Vec::new();
    for (i, e) in doc.entries.into_iter().enumerate() {
        let here = [Step::key("entries"), Step::Index(i)];
        let name = e.permission.trim();
        if name.is_empty() {
            return Err(Fault::new(
                join(&here, &[Step::key("permission")]),
                "must name a permission",
            ));
        }
        check_name(&e.permission, &join(&here, &[Step::key("permission")]))?;
        if e.apis.is_empty() {
            return Err(Fault::new(
                join(&here, &[Step::key("apis")]),
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
            check_text(note, &join(&here, &[Step::key("note")]))?;
        }
        for (j, reference) in e.references.iter().enumerate() {
            check_text(reference, &join(&here, &[Step::key("references"), Step::Index(j)]))?;
        }
        let application = verdict(e.application, &join(&here, &[Step::key("application")]))?;
        let path = match e.path {
            Some(doc) => Some(takeover_path(
                doc,
                application.as_ref(),
                &join(&here, &[Step::key("path")]),
            )?),
            None => None,
        };
        let delegated = verdict(e.delegated, &join(&here, &[Step::key("delegated")]))?;
        let delegated_by_admin = verdict(e.delegated_by_admin, &join(&here, &[Step::key("delegated_by_admin")]))?;
        if let (Some(admin), Some(d)) = (&delegated_by_admin, &delegated)
            && admin.level < d.level
        {
            return Err(Fault::new(
                join(&here, &[Step::key("delegated_by_admin"), Step::key("level")]),
                format!(
                    "with a Global Administrator signed in ({}) it rates below any signed-in user ({}): an administrator reaches at least as far",
                    admin.level, d.level
                ),
            ));
        }
        if let (Some(a), Some(d)) = (&application, &delegated)
            && d.level > a.level
        {
            return Err(Fault::new(
                join(&here, &[Step::key("delegated"), Step::key("level")]),
                format!(
                    "delegated ({}) rates above application ({}): a delegated grant never reaches further than the same permission granted to the app itself",
                    d.level, a.level
                ),
            ));
        }
        for (j, api) in e.apis.iter().enumerate() {
            let api_path = join(&here, &[Step::key("apis"), Step::Index(j)]);
            check_name(api, &api_path)?;
            if api.trim().is_empty() {
                return Err(Fault::new(api_path, "must name a resource"));
            }
            let key = owned_key(api, name);
            match entries.entry(key.into_boxed_str()) {
                MapEntry::Occupied(_) => {
                    return Err(Fault::new(
                        join(&here, &[Step::key("permission")]),
                        format!("`{name}` on `{}` already has an entry in this file", api.trim()),
                    ));
                }
                MapEntry::Vacant(slot) => {
                    slot.insert(Entry {
                        application: application.clone(),
                        delegated: delegated.clone(),
                        delegated_by_admin: delegated_by_admin.clone(),
                        path: path.clone(),
                    });
                }
            }
            if path.is_some() {
                marked.push((api.trim().to_string(), name.to_string()));
            }
        }
    }
    let mut rules = Vec::with_capacity(doc.rules.len());
    let mut ids: Vec<String> = Vec::with_capacity(doc.rules.len());
    for (i, r) in doc.rules.into_iter().enumerate() {
        let here = [Step::key("rules"), Step::Index(i)];
        let id_path = join(&here, &[Step::key("id")]);
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
                join(&here, &[Step::key("names")]),
                "must list at least one name pattern",
            ));
        }
        let mut names = Vec::with_capacity(r.names.len());
        for (j, pattern) in r.names.iter().enumerate() {
            let path = join(&here, &[Step::key("names"), Step::Index(j)]);
            check_name(pattern, &path)?;
            if pattern.trim().is_empty() {
                return Err(Fault::new(
                    path,
                    "an empty pattern matches nothing; use \"*\" to match every name",
                ));
            }
            names.push(NamePattern::new(pattern));
        }
        let mut apis = Vec::with_capacity(r.apis.len());
        for (j, api) in r.apis.iter().enumerate() {
            let path = join(&here, &[Step::key("apis"), Step::Index(j)]);
            check_name(api, &path)?;
            if api.trim().is_empty() {
                return Err(Fault::new(path, "must name a resource"));
            }
            apis.push(api.trim().to_ascii_lowercase().into_boxed_str());
        }
        check_template(&r.subject, &join(&here, &[Step::key("subject")]))?;
        if r.subject.trim().is_empty() {
            return Err(Fault::new(join(&here, &[Step::key("subject")]), "must not be empty"));
        }
        for (field, list) in [
            ("reasons", &r.reasons),
            ("read_reasons", &r.read_reasons),
            ("write_reasons", &r.write_reasons),
        ] {
            for (j, reason) in list.iter().enumerate() {
                check_reason(reason, &join(&here, &[Step::key(field), Step::Index(j)]))?;
            }
        }
        if let Some(note) = &r.note {
            check_text(note, &join(&here, &[Step::key("note")]))?;
        }
        let application = level_table(&r.application, &join(&here, &[Step::key("application")]))?;
        let delegated = match &r.delegated {
            Some(doc) => {
                let path = join(&here, &[Step::key("delegated")]);
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
                            vec![Step::key(name)]
                        } else {
                            Vec::new()
                        };
                        return Err(Fault::new(
                            join(&path, &field),
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
            id: r.id.trim().to_string(),
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
    Ok(Layer { entries, rules, marked })
}

/// Checks a marked path against the entry's application verdict: a path that
/// needs nothing but one tenant condition rates critical (the principle).
fn takeover_path(
    doc: PathDoc,
    application: Option<&Verdict>,
    path: &[Step<'static>],
) -> Result<TakeoverPath, Fault<'static>> {
    let Some(application) = application else {
        return Err(Fault::new(
            path.to_vec(),
            "marks a path of the application permission but the entry has no `application` verdict",
        ));
    };
    for (field, text) in [
        ("condition", doc.condition.as_deref()),
        ("needs", doc.needs.as_deref()),
        ("source", Some(doc.source.as_str())),
    ] {
        if let Some(text) = text {
            let here = join(path, &[Step::key(field)]);
            check_text(text, &here)?;
            if text.trim().is_empty() {
                return Err(Fault::new(here, "must not be empty (leave the field out instead)"));
            }
        }
    }
    let to = match doc.to {
        PathGoalDoc::Takeover => PathGoal::Takeover,
        PathGoalDoc::Lockout => PathGoal::Lockout,
    };
    if doc.needs.is_none() && application.level != RiskLevel::Critical {
        return Err(Fault::new(
            join(path, &[Step::key("to")]),
            format!(
                "a path to {} that needs no second permission rates critical as an application permission, but the entry rates it {} (say what else it `needs`, or rate it critical)",
                to.words(),
                application.level
            ),
        ));
    }
    Ok(TakeoverPath {
        to,
        direct: doc.direct,
        condition: doc.condition.map(|c| c.trim().to_string()),
        needs: doc.needs.map(|n| n.trim().to_string()),
        source: doc.source.trim().to_string(),
    })
}

fn verdict(doc: Option<VerdictDoc>, path: &[Step<'static>]) -> Result<Option<Verdict>, Fault<'static>> {
    let Some(doc) = doc else { return Ok(None) };
    if doc.reasons.is_empty() {
        return Err(Fault::new(
            join(path, &[Step::key("reasons")]),
            "needs at least one reason: say what the permission lets the app do",
        ));
    }
    for (j, reason) in doc.reasons.iter().enumerate() {
        check_reason(reason, &join(path, &[Step::key("reasons"), Step::Index(j)]))?;
    }
    if let Some(score) = doc.score {
        let range = doc.level.score_range();
        if !range.contains(&score) {
            return Err(Fault::new(
                join(path, &[Step::key("score")]),
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
fn level_table(doc: &LevelsDoc, path: &[Step<'static>]) -> Result<[RiskLevel; 4], Fault<'static>> {
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
                    join(path, &[Step::key(ACCESS_NAMES[k])]),
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

/// A free text of the rules: see [`Fault::check_text`].
fn check_text(text: &str, path: &[Step<'static>]) -> Result<(), Fault<'static>> {
    Fault::check_text(text, path, MAX_TEXT)
}

/// A resource name, permission name or name pattern: short, plain text.
fn check_name(text: &str, path: &[Step<'static>]) -> Result<(), Fault<'static>> {
    check_text(text, path)?;
    if text.trim().len() > MAX_NAME {
        return Err(Fault::new(path.to_vec(), format!("longer than {MAX_NAME} bytes")));
    }
    Ok(())
}

/// Text that may carry `{api}` and `{permission}` placeholders.
fn check_template(text: &str, path: &[Step<'static>]) -> Result<(), Fault<'static>> {
    check_text(text, path)?;
    Fault::check_placeholders(text, path, &["{api}", "{permission}"])
}

fn check_reason(text: &str, path: &[Step<'static>]) -> Result<(), Fault<'static>> {
    check_template(text, path)?;
    if text.trim().is_empty() {
        return Err(Fault::new(path.to_vec(), "a reason must not be empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::level::RiskLevel;
    use crate::model::permission::PermissionKind::{Application, Delegated};
    use crate::model::read::{ErrorKind, ReadError};
    use crate::model::risk::{PathGoal, RiskBook};

    fn load_error(text: &str) -> ReadError {
        match RiskBook::from_json(text, "reviewer.json") {
            Ok(_) => panic!("expected an error for:\n{text}"),
            Err(e) => e,
        }
    }

    #[test]
    fn syntax_error_names_line_column_and_field() {
        let text = "{\n  \"version\": 1,\n  \"rules\": [\n    { \"id\": \"a\" \"names\": [] }\n  ]\n}\n";
        let e = load_error(text);
        assert!(e.kind == ErrorKind::Syntax, "{e:?}");
        assert_eq!(e.origin, "reviewer.json");
        assert_eq!(e.line.unwrap(), 4);
        assert!(e.column.unwrap() > 10, "{e}");
        assert_eq!(e.field.as_deref().unwrap_or(""), "rules[0].id");
        let shown = e.to_string();
        assert!(shown.starts_with("reviewer.json:4:"), "{shown}");
        assert!(shown.contains("rules[0].id"), "{shown}");
    }

    #[test]
    fn truncated_file_is_a_syntax_error() {
        let e = load_error("{ \"version\": 1, \"entries\": [");
        assert!(e.kind == ErrorKind::Syntax, "{e:?}");
        assert_eq!(e.line.unwrap(), 1);
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
        assert!(e.kind == ErrorKind::Invalid, "{e:?}");
        assert_eq!(e.line.unwrap(), 8);
        assert_eq!(e.field.as_deref().unwrap_or(""), "entries[0].application.levle");
        let shown = e.to_string();
        assert!(shown.contains("unknown field `levle`"), "{shown}");
        assert!(shown.starts_with("reviewer.json:8:"), "{shown}");
        assert!(!shown.contains(" at line "), "position said twice: {shown}");
    }

    #[test]
    fn wrong_type_names_its_path() {
        let text = "{\n  \"version\": 1,\n  \"entries\": [\n    { \"apis\": [\"Microsoft Graph\"], \"permission\": \"Mail.Read\",\n      \"delegated\": { \"level\": \"low\", \"score\": \"ten\", \"reasons\": [\"x\"] } }\n  ]\n}";
        let e = load_error(text);
        assert!(e.kind == ErrorKind::Invalid, "{e:?}");
        assert_eq!(e.line.unwrap(), 5);
        assert_eq!(e.field.as_deref().unwrap_or(""), "entries[0].delegated.score");
        assert!(e.to_string().contains("invalid type"), "{e}");
    }

    #[test]
    fn unknown_level_names_its_path() {
        let text = "{ \"version\": 1, \"rules\": [ { \"id\": \"r\", \"names\": [\"*\"], \"subject\": \"s\",\n \"application\": { \"read\": \"severe\" } } ] }";
        let e = load_error(text);
        assert_eq!(e.line.unwrap(), 2);
        assert_eq!(e.field.as_deref().unwrap_or(""), "rules[0].application.read");
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
            assert!(e.kind == ErrorKind::Invalid, "{e:?}");
            assert_eq!(e.field.as_deref().unwrap_or(""), field, "{e}");
            assert!(e.to_string().contains(message), "{e}");
            // The position points at the offending value.
            let lines: Vec<&str> = text.lines().collect();
            let line = lines[e.line.unwrap() - 1];
            let last_key = field.rsplit('.').next().unwrap_or(field);
            let last_key = last_key.split('[').next().unwrap_or(last_key);
            assert!(line.contains(last_key), "{e}: line {} is `{line}`", e.line.unwrap());
        }
    }

    #[test]
    fn invisible_characters_are_refused() {
        let text = "{ \"version\": 1, \"rules\": [ { \"id\": \"r\", \"names\": [\"*\"], \"subject\": \"s\u{202e}x\", \"application\": { \"read\": \"low\" } } ] }";
        let e = load_error(text);
        assert_eq!(e.field.as_deref().unwrap_or(""), "rules[0].subject");
        assert!(e.to_string().contains("U+202E"), "{e}");
        let escaped = r#"{ "version": 1, "rules": [ { "id": "r", "names": ["*"], "subject": "a\u001bb", "application": { "read": "low" } } ] }"#;
        assert!(load_error(escaped).to_string().contains("U+001B"));
    }

    #[test]
    fn a_marked_path_is_read_and_held_to_the_principle() {
        let marked = r#"{ "version": 1, "entries": [ { "apis": ["Microsoft Graph"], "permission": "X.ReadWrite.All",
            "path": { "to": "lockout", "direct": false, "condition": "a tenant without PIM", "source": "someone" },
            "application": { "level": "critical", "reasons": ["Path to locking every user out (indirect)."] } } ] }"#;
        let b = RiskBook::from_json(marked, "t.json").unwrap();
        let path = b
            .takeover_path(" microsoft graph ", "x.readwrite.all")
            .expect("the mark");
        assert_eq!(path.to, PathGoal::Lockout);
        assert!(!path.direct);
        assert_eq!(path.condition.as_deref(), Some("a tenant without PIM"));
        assert_eq!(b.takeover_paths().len(), 1);
        // A reviewer's entry without the mark hides it.
        let mut layered = b.clone();
        layered.layer(
            RiskBook::from_json(
                r#"{ "version": 1, "entries": [ { "apis": ["Microsoft Graph"], "permission": "X.ReadWrite.All",
                "application": { "level": "high", "reasons": ["We use PIM."] } } ] }"#,
                "mine.json",
            )
            .unwrap(),
        );
        assert!(layered.takeover_path("Microsoft Graph", "X.ReadWrite.All").is_none());
        assert!(layered.takeover_paths().is_empty());
        // A path that needs nothing more must rate critical...
        let high = marked.replace("\"level\": \"critical\"", "\"level\": \"high\"");
        let e = load_error(&high);
        assert_eq!(e.field.as_deref().unwrap_or(""), "entries[0].path.to", "{e}");
        assert!(e.to_string().contains("rates critical"), "{e}");
        // ...unless it says what else it needs.
        let needs = high.replace("\"source\"", "\"needs\": \"a password-reset right\", \"source\"");
        let b = RiskBook::from_json(&needs, "t.json").unwrap();
        let path = b.takeover_path("Microsoft Graph", "X.ReadWrite.All").unwrap();
        assert_eq!(path.needs.as_deref(), Some("a password-reset right"));
        // The mark belongs to the application permission.
        let delegated = r#"{ "version": 1, "entries": [ { "apis": ["G"], "permission": "P",
            "path": { "to": "takeover", "direct": true, "source": "s" },
            "delegated": { "level": "high", "reasons": ["x"] } } ] }"#;
        let e = load_error(delegated);
        assert_eq!(e.field.as_deref().unwrap_or(""), "entries[0].path", "{e}");
        let blank = marked.replace("a tenant without PIM", " ");
        assert_eq!(
            load_error(&blank).field.as_deref().unwrap_or(""),
            "entries[0].path.condition"
        );
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
}
