//! Product files (`data/products/*.json`, a reviewer's `--data` folder): the
//! file format of `data/product.schema.json`, and the checks serde cannot make.

use crate::model::permission::PermissionKind;
use crate::model::product::{
    Api, App, AppContext, Basis, CredentialHolder, Documented, Origin, Phase, Product, Requirement, SourceDocument,
    WorkloadUse,
};
use crate::model::read::ReadError;
use crate::model::read::json::{self, Fault, Step};
use crate::model::text;
use crate::model::workload::WorkloadRules;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

// ---- the file format (see data/product.schema.json) ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProductFile<'a> {
    #[serde(default, rename = "$schema")]
    _schema: Option<String>,
    #[serde(deserialize_with = "text::checked")]
    pub slug: String,
    #[serde(deserialize_with = "text::checked_text")]
    pub vendor: String,
    #[serde(deserialize_with = "text::checked_text")]
    pub product: String,
    pub source: SourceFile,
    #[serde(default, deserialize_with = "text::checked_text_vec")]
    pub notes: Vec<String>,
    #[serde(borrow)]
    pub apps: Vec<AppFile<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SourceFile {
    #[serde(deserialize_with = "text::checked_text")]
    pub title: String,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub date: Option<String>,
    #[serde(deserialize_with = "text::checked_text")]
    pub file: String,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub sha256: Option<String>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AppFile<'a> {
    #[serde(deserialize_with = "text::checked_text")]
    pub name: String,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "text::checked_text_vec")]
    pub notes: Vec<String>,
    /// The app's application (client) id, when the file records it.
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub app_id: Option<String>,
    #[serde(default)]
    pub context: Option<ContextFile>,
    #[serde(borrow)]
    pub requirements: Vec<RequirementFile<'a>>,
}

/// What the document says about an app beyond its permissions.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct ContextFile {
    #[serde(default)]
    pub consent: Option<FactFile<Vec<String>>>,
    #[serde(default)]
    pub signs_in: Option<FactFile<Vec<String>>>,
    #[serde(default)]
    pub credential: Option<FactFile<CredentialHolder>>,
    #[serde(default)]
    pub onboarding: Option<FactFile<bool>>,
}

/// One fact: its value (absent when not stated), how it is known, and where.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FactFile<T> {
    #[serde(default = "Option::default")]
    pub value: Option<T>,
    pub basis: BasisFile,
    #[serde(default)]
    pub lines: Vec<u32>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub quote: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum BasisFile {
    Stated,
    Inferred,
    NotStated,
}

impl<T> FactFile<T> {
    fn into_documented(self) -> Documented<T> {
        Documented {
            value: self.value,
            basis: match self.basis {
                BasisFile::Stated => Basis::Stated,
                BasisFile::Inferred => Basis::Inferred,
                BasisFile::NotStated => Basis::NotStated,
            },
            lines: self.lines,
            quote: self.quote,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequirementFile<'a> {
    pub line: u32,
    // Pooled when validated: borrowed from the file's text until then.
    #[serde(borrow, deserialize_with = "text::checked_text_cow")]
    pub api: Cow<'a, str>,
    #[serde(borrow, default, deserialize_with = "text::checked_opt_cow")]
    pub table: Option<Cow<'a, str>>,
    #[serde(deserialize_with = "text::checked_name")]
    pub permission: String,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub permission_as_written: Option<String>,
    #[serde(rename = "type")]
    pub kind: PermissionKind,
    #[serde(borrow, default, deserialize_with = "text::checked_opt_cow")]
    pub description: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "text::checked_opt_cow")]
    pub purpose: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub workloads: Vec<WorkloadFile<'a>>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    pub condition: Option<String>,
    #[serde(default, deserialize_with = "text::checked_map")]
    pub attributes: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "text::checked_text_vec")]
    pub notes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkloadFile<'a> {
    #[serde(borrow, deserialize_with = "text::checked_cow")]
    pub workload: Cow<'a, str>,
    #[serde(default)]
    pub phases: Vec<Phase>,
    #[serde(default = "yes")]
    pub documented: bool,
}

fn yes() -> bool {
    true
}

/// Parses a product file's text, naming `origin` in errors.
pub(crate) fn parse_product<'a>(text: &'a str, origin: &str) -> Result<ProductFile<'a>, ReadError> {
    json::parse(text, origin)
}

/// A product file after validation: the product and its requirements
/// (with `product` indices still 0, fixed when added to a catalog).
pub(crate) struct Parsed {
    pub product: Product,
    pub requirements: Vec<Requirement>,
}

/// Checks what serde cannot (slug form, known APIs, lines) and builds the model.
/// `resolve_api` maps a document's API spelling to a catalog API index.
pub(crate) fn validate(
    file: ProductFile<'_>,
    raw: &dyn Fn() -> String,
    origin: Origin,
    apis: &[Api],
    rules: &WorkloadRules,
    pool: &mut RowPool,
) -> Result<Parsed, ReadError> {
    let origin_text = origin.to_string();
    // The text is fetched only when there is an error to locate.
    let err = |path: Vec<Step<'static>>, message: String| Fault::new(path, message).locate(&raw(), &origin_text);
    if !is_slug(&file.slug) {
        return Err(err(
            vec![Step::key("slug")],
            format!(
                "`{}` is not a valid slug: use lower-case letters, digits and single hyphens (e.g. `my-vendor`)",
                file.slug
            ),
        ));
    }
    if let Some(sha) = &file.source.sha256
        && !(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
    {
        return Err(err(
            vec![Step::key("source"), Step::key("sha256")],
            "sha256 must be 64 lower-case hexadecimal digits".into(),
        ));
    }
    if file.apps.is_empty() {
        return Err(err(vec![Step::key("apps")], "a product needs at least one app".into()));
    }
    let mut apps = Vec::new();
    let mut requirements = Vec::new();
    // Rows of one table name the same API: resolve a spelling once.
    let mut last_api: Option<(String, usize)> = None;
    for (ai, app) in file.apps.into_iter().enumerate() {
        if let Some(id) = &app.app_id
            && !crate::model::read::grants::is_guid(id)
        {
            return Err(err(
                vec![Step::key("apps"), Step::Index(ai), Step::key("app_id")],
                format!("`{id}` is not an application id (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"),
            ));
        }
        for (ri, r) in app.requirements.into_iter().enumerate() {
            let at = |field: &'static str| {
                vec![
                    Step::key("apps"),
                    Step::Index(ai),
                    Step::key("requirements"),
                    Step::Index(ri),
                    Step::key(field),
                ]
            };
            let resolved = match &last_api {
                Some((written, index)) if **written == *r.api => Some(*index),
                _ => {
                    let found = apis.iter().position(|a| a.is_called(&r.api));
                    if let Some(index) = found {
                        last_api = Some((r.api.to_string(), index));
                    }
                    found
                }
            };
            let Some(api) = resolved else {
                return Err(err(
                    at("api"),
                    format!("unknown API `{}`: add it (or an alias) to apis.json", r.api),
                ));
            };
            if r.line == 0 {
                return Err(err(at("line"), "line numbers start at 1".into()));
            }
            if r.permission.chars().any(char::is_whitespace) {
                return Err(err(
                    at("permission"),
                    format!(
                        "`{}` is not a single claim; keep the cell as written in permission_as_written",
                        r.permission
                    ),
                ));
            }
            if let Some(w) = r.workloads.iter().find(|w| w.workload.trim().is_empty()) {
                let _ = w;
                return Err(err(at("workloads"), "a workload needs a name".into()));
            }
            // Shared: vendors repeat Microsoft's descriptions and their own
            // purposes, and search scores each distinct text once.
            let description = r.description.as_deref().map(|t| pool.text.intern_prose(t));
            let purpose = r.purpose.as_deref().map(|t| pool.text.intern_prose(t));
            let workloads = if r.workloads.is_empty() {
                vec![WorkloadUse {
                    workload: pool.derived_workload(rules, api, &apis[api].name, &r.permission),
                    phases: purpose
                        .as_ref()
                        .map(|p| pool.derived_phases(rules, p))
                        .unwrap_or_default(),
                    documented: false,
                }]
            } else {
                r.workloads
                    .into_iter()
                    .map(|w| WorkloadUse {
                        workload: pool.text.intern(&w.workload),
                        phases: w.phases,
                        documented: w.documented,
                    })
                    .collect()
            };
            requirements.push(Requirement {
                product: 0,
                app: ai,
                api,
                api_as_written: pool.text.intern(&r.api),
                table: r.table.as_deref().map(|t| pool.text.intern(t)),
                permission: r.permission,
                permission_as_written: r.permission_as_written,
                kind: r.kind,
                description,
                purpose,
                workloads,
                condition: r.condition,
                attributes: r.attributes.into_iter().collect(),
                notes: r.notes,
                line: r.line,
            });
        }
        let context = app.context.unwrap_or_default();
        // A fact the document states or supports names its lines; one it
        // leaves out has no value.
        let facts: [(&'static str, Option<FactShape>); 4] = [
            ("consent", context.consent.as_ref().map(check_fact)),
            ("signs_in", context.signs_in.as_ref().map(check_fact)),
            ("credential", context.credential.as_ref().map(check_fact)),
            ("onboarding", context.onboarding.as_ref().map(check_fact)),
        ];
        for (field, fact) in facts {
            let Some(FactShape {
                has_value,
                not_stated,
                lines,
                zero_lines,
            }) = fact
            else {
                continue;
            };
            let at = vec![
                Step::key("apps"),
                Step::Index(ai),
                Step::key("context"),
                Step::key(field),
            ];
            if not_stated == has_value {
                return Err(err(
                    at,
                    "a fact has a value exactly when its basis is `stated` or `inferred` (use `not-stated` with no value)".into(),
                ));
            }
            if !not_stated && lines == 0 {
                return Err(err(
                    at,
                    "a stated or inferred fact names the document lines it rests on".into(),
                ));
            }
            if zero_lines > 0 {
                return Err(err(at, "line numbers start at 1".into()));
            }
        }
        apps.push(App {
            name: app.name,
            description: app.description,
            notes: app.notes,
            app_id: app.app_id.map(|id| id.to_ascii_lowercase()),
            context: AppContext {
                consent: context.consent.map(FactFile::into_documented).unwrap_or_default(),
                signs_in: context.signs_in.map(FactFile::into_documented).unwrap_or_default(),
                credential: context.credential.map(FactFile::into_documented).unwrap_or_default(),
                onboarding: context.onboarding.map(FactFile::into_documented).unwrap_or_default(),
            },
        });
    }
    Ok(Parsed {
        product: Product {
            slug: file.slug,
            vendor: file.vendor,
            name: file.product,
            source: SourceDocument {
                title: file.source.title,
                version: file.source.version,
                date: file.source.date,
                file: file.source.file,
                sha256: file.source.sha256,
                url: file.source.url,
            },
            notes: file.notes,
            apps,
            origin,
        },
        requirements,
    })
}

/// What loading shares between the rows and files one thread validates: the
/// text pool, and the workloads and phases already derived, since most rows
/// repeat a claim or a purpose that an earlier row had.
#[derive(Debug, Clone, Default)]
pub struct RowPool {
    pub text: crate::model::product::Interner,
    /// Claim to (API, derived workload).
    workloads: std::collections::HashMap<String, Vec<(usize, std::sync::Arc<str>)>>,
    /// The address of a pooled purpose to the phases it states.
    phases: std::collections::HashMap<usize, Vec<Phase>>,
    /// The rules the derivations above came from (their id).
    rules: Option<u64>,
}

impl RowPool {
    /// Forgets derivations made under other rules.
    fn use_rules(&mut self, rules: &WorkloadRules) {
        let this = rules.id();
        if self.rules != Some(this) {
            self.workloads.clear();
            self.phases.clear();
            self.rules = Some(this);
        }
    }

    /// The workload `rules` derive for a claim of API `api` (named `api_name`).
    fn derived_workload(
        &mut self,
        rules: &WorkloadRules,
        api: usize,
        api_name: &str,
        permission: &str,
    ) -> std::sync::Arc<str> {
        self.use_rules(rules);
        if let Some((_, w)) = self
            .workloads
            .get(permission)
            .and_then(|v| v.iter().find(|(a, _)| *a == api))
        {
            return std::sync::Arc::clone(w);
        }
        let w = self.text.intern(rules.workload_for(api_name, permission));
        self.workloads
            .entry(permission.to_string())
            .or_default()
            .push((api, std::sync::Arc::clone(&w)));
        w
    }

    /// The phases `rules` find in a pooled purpose.
    fn derived_phases(&mut self, rules: &WorkloadRules, purpose: &std::sync::Arc<str>) -> Vec<Phase> {
        self.use_rules(rules);
        // The pool keeps the purpose alive, so its address names it.
        let key = std::sync::Arc::as_ptr(purpose) as *const u8 as usize;
        self.phases
            .entry(key)
            .or_insert_with(|| rules.phases_in(purpose))
            .clone()
    }
}

/// What the loader checks of a fact, whatever its value's type.
struct FactShape {
    has_value: bool,
    not_stated: bool,
    lines: usize,
    zero_lines: usize,
}

fn check_fact<T>(f: &FactFile<T>) -> FactShape {
    FactShape {
        has_value: f.value.is_some(),
        not_stated: f.basis == BasisFile::NotStated,
        lines: f.lines.len(),
        zero_lines: f.lines.iter().filter(|l| **l == 0).count(),
    }
}

/// Lower-case letters, digits and single inner hyphens, at most
/// [`MAX_SLUG_CHARS`](crate::model::read::limits::MAX_SLUG_CHARS) characters.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= crate::model::read::limits::MAX_SLUG_CHARS
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}
