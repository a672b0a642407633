//! Auditing a tenant against a vendor's documentation: does the vendor's app hold
//! exactly what the vendor documents, and nothing more?
//!
//! Every grant lands in one of four lists: granted and documented; granted and
//! documented only for another app of the product (flagged); granted but
//! undocumented (flagged, with its risk); or documented but not granted. A
//! grant matches a requirement only on the same resource, kind and claim: a
//! Graph `Mail.ReadWrite` does not stand in for an Exchange `Mail.ReadWrite`.
//! Grants whose GUID or resource permscope cannot name are kept as
//! undocumented, marked unknown, never dropped.
//!
//! A tenant consents to apps, not products: Xopero ONE's registrator holds
//! `Directory.AccessAsUser.All`, and the same grant on its backup app is
//! drift. So grants are checked against one app's documented set: the app
//! named by the caller, or the app the grants' holder is (its display name,
//! its object id named in another export, or an app id the product file
//! records). Grants whose holder is none of the product's apps are checked
//! against every app together, and the audit says so.

use crate::model::catalog::Catalog;
use crate::model::grants::ResolvedGrant;
use crate::model::holders::{Holders, MatchedBy};
use crate::model::permission::PermissionKind;
use crate::model::read::grants::GrantSource;
use crate::model::risk::Rating;
use crate::model::text::{display_width, truncate};
use crate::model::text::{md_code, md_text, one_line};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A requirement row that documents a permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedAt {
    /// Index into the catalog's requirements.
    pub row: usize,
    /// The app of the product that asks for it.
    pub app: String,
    /// The vendor document's file name.
    pub document: String,
    /// 1-based line in that document.
    pub line: u32,
}

/// One permission in an audit: a grant, a documented requirement, or both.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Index into the catalog's APIs; `None` when the resource is unknown to permscope.
    pub api: Option<usize>,
    /// The API's canonical name, or the resource as the export names it.
    pub api_name: String,
    /// Short label for narrow columns.
    pub api_short: String,
    pub api_app_id: Option<String>,
    pub kind: PermissionKind,
    /// The claim; `None` when the GUID is in no catalog permscope has.
    pub permission: Option<String>,
    pub id: Option<String>,
    /// `None` only when there is no claim to rate (unknown GUID).
    pub rating: Option<Rating>,
    /// The product's rows that document it (empty for undocumented grants).
    pub documented: Vec<DocumentedAt>,
    /// Grant records behind it (0 when not granted; above 1 when duplicated).
    pub granted: usize,
    /// Where the grants were read.
    pub sources: Vec<GrantSource>,
    pub principals: Vec<String>,
    /// `consentType` of delegated grants.
    pub consents: Vec<String>,
    pub notes: Vec<String>,
    /// The app of the product this entry is for: the app holding the grant
    /// (granted entries), or whose documentation lists it (not granted);
    /// `None` when the grants could not be tied to one app.
    pub app: Option<String>,
}

impl AuditEntry {
    /// True when the permission's GUID could not be named.
    pub fn is_unknown(&self) -> bool {
        self.permission.is_none()
    }

    /// The claim, or a marker naming the unknown GUID.
    pub fn permission_label(&self) -> String {
        match (&self.permission, &self.id) {
            (Some(p), _) => p.clone(),
            (None, Some(id)) => format!("unknown GUID {id}"),
            (None, None) => "unknown".into(),
        }
    }
}

/// An app of the product whose grants were checked against its own documented set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditApp {
    /// Index into the product's apps.
    pub app: usize,
    pub name: String,
    pub matched_by: MatchedBy,
    /// The holder as the export names it (display name or id), when matched from it.
    pub holder: Option<String>,
}

/// The result of matching grants against one product's documented requirements.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    /// Index into the catalog's products.
    pub product: usize,
    pub product_slug: String,
    pub product_name: String,
    pub vendor: String,
    /// How many apps the product installs.
    pub app_count: usize,
    /// The apps grants were checked against one by one (empty: every grant
    /// was checked against all the product's apps together).
    pub apps: Vec<AuditApp>,
    /// Granted and documented for the app holding it, in document order.
    pub granted_documented: Vec<AuditEntry>,
    /// Granted to one app, documented only for another app of the product:
    /// flagged, in document order.
    pub other_app: Vec<AuditEntry>,
    /// Granted but not documented: unknown GUIDs first, then highest risk first.
    pub undocumented: Vec<AuditEntry>,
    /// Documented but not granted, in document order.
    pub not_granted: Vec<AuditEntry>,
    /// What the reviewer should know about how the grants were tied to apps.
    pub notices: Vec<String>,
}

impl Audit {
    /// True when the app holds nothing the vendor does not document for it.
    pub fn is_clean(&self) -> bool {
        self.undocumented.is_empty() && self.other_app.is_empty()
    }

    /// The recommended process exit status: 0 when nothing undocumented is granted
    /// (missing grants are not a finding: less than documented is fine), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        if self.is_clean() { 0 } else { 1 }
    }
}

/// Matches resolved grants against the documented requirements of `product`,
/// every app together (distinct by resource, kind and claim; rows with a blank
/// claim cannot be granted and are left out). See [`audit_apps`] to check
/// each app's grants against that app.
pub fn audit(catalog: &Catalog, product: usize, grants: &[ResolvedGrant]) -> Audit {
    audit_apps(catalog, product, None, grants, &Holders::default())
}

/// The documented permissions of some rows, in document order, keyed by
/// (resource, kind, lower-case claim).
struct Documented {
    entries: Vec<AuditEntry>,
    by_key: HashMap<(usize, PermissionKind, String), usize>,
}

impl Documented {
    fn of(catalog: &Catalog, product: usize, rows: impl Iterator<Item = usize>, app: Option<&str>) -> Documented {
        let p = &catalog.products[product];
        let mut d = Documented {
            entries: Vec::new(),
            by_key: HashMap::new(),
        };
        for row in rows {
            let r = &catalog.requirements[row];
            if r.permission.trim().is_empty() {
                continue;
            }
            let at = DocumentedAt {
                row,
                app: p.apps[r.app].name.clone(),
                document: p.source.file.clone(),
                line: r.line,
            };
            let key = (r.api, r.kind, r.permission.to_lowercase());
            match d.by_key.get(&key) {
                Some(&i) => d.entries[i].documented.push(at),
                None => {
                    let api = &catalog.apis[r.api];
                    d.by_key.insert(key, d.entries.len());
                    d.entries.push(AuditEntry {
                        api: Some(r.api),
                        api_name: api.name.clone(),
                        api_short: api.short.clone(),
                        api_app_id: Some(api.app_id.clone()),
                        kind: r.kind,
                        permission: Some(r.permission.clone()),
                        id: catalog.fact(r).map(|f| f.id.to_string()),
                        rating: Some(catalog.rating(row).clone()),
                        documented: vec![at],
                        granted: 0,
                        sources: Vec::new(),
                        principals: Vec::new(),
                        consents: Vec::new(),
                        notes: Vec::new(),
                        app: app.map(str::to_string),
                    });
                }
            }
        }
        d
    }

    fn find(&self, g: &ResolvedGrant) -> Option<usize> {
        match (g.api, &g.permission) {
            (Some(api), Some(name)) => self.by_key.get(&(api, g.kind, name.to_lowercase())).copied(),
            _ => None,
        }
    }
}

/// A grant, or the part of it one holder has.
struct Part<'g> {
    grant: &'g ResolvedGrant,
    sources: Vec<GrantSource>,
    /// Who holds these records, as the exports name them.
    holders: Vec<String>,
    /// The product's app holding it, when known.
    app: Option<usize>,
}

impl Part<'_> {
    /// Adds this part's grant records to a documented entry.
    fn mark(&self, e: &mut AuditEntry) {
        let g = self.grant;
        e.granted += self.count();
        e.sources.extend(self.sources.iter().cloned());
        if e.id.is_none() {
            e.id = g.id.clone();
        }
        extend_unique(&mut e.principals, self.principals());
        extend_unique(&mut e.consents, &consent_names(g));
        extend_unique(&mut e.notes, &g.notes);
    }

    /// Grant records in this part.
    fn count(&self) -> usize {
        if self.sources.is_empty() {
            self.grant.count
        } else {
            self.sources.len()
        }
    }

    /// The holders of this part's records, else of the whole grant.
    fn principals(&self) -> &[String] {
        if self.holders.is_empty() {
            &self.grant.principals
        } else {
            &self.holders
        }
    }
}

/// Matches resolved grants against the documented requirements of `product`.
/// With `app`, every grant is taken to be that app's and checked against its
/// documented set alone. Without, each grant record is tied to the app its
/// holder is (see [`Holders`]) and checked against that app; records whose
/// holder is none of the product's apps are checked against every app together.
/// A grant documented only for another app of the product is listed apart, and
/// flagged.
pub fn audit_apps(
    catalog: &Catalog,
    product: usize,
    app: Option<usize>,
    grants: &[ResolvedGrant],
    holders: &Holders,
) -> Audit {
    let p = &catalog.products[product];
    let app_rows = |a: usize| {
        catalog
            .rows_of(product)
            .filter(move |&i| catalog.requirements[i].app == a)
    };
    let mut per_app: Vec<Documented> = (0..p.apps.len())
        .map(|a| Documented::of(catalog, product, app_rows(a), Some(&p.apps[a].name)))
        .collect();
    let mut union = Documented::of(catalog, product, catalog.rows_of(product), None);

    // Tie every grant record to an app.
    let mut apps: Vec<AuditApp> = Vec::new();
    let mut strangers: Vec<String> = Vec::new();
    let mut parts: Vec<Part> = Vec::new();
    if let Some(a) = app {
        apps.push(AuditApp {
            app: a,
            name: p.apps[a].name.clone(),
            matched_by: MatchedBy::Given,
            holder: None,
        });
    }
    for g in grants {
        let mut split: Vec<Part> = Vec::new();
        for s in &g.sources {
            let found = match app {
                Some(a) => Some(a),
                None => match holders.app_of(catalog, product, s) {
                    Ok(Some((a, how, holder))) => {
                        if !apps.iter().any(|x| x.app == a) {
                            apps.push(AuditApp {
                                app: a,
                                name: p.apps[a].name.clone(),
                                matched_by: how,
                                holder: Some(holder),
                            });
                        }
                        Some(a)
                    }
                    Ok(None) => None,
                    Err(stranger) => {
                        if !strangers.contains(&stranger) {
                            strangers.push(stranger);
                        }
                        None
                    }
                },
            };
            let holder = holders.label(s);
            match split.iter_mut().find(|x| x.app == found) {
                Some(x) => {
                    x.sources.push(s.clone());
                    if let Some(h) = holder
                        && !x.holders.contains(&h)
                    {
                        x.holders.push(h);
                    }
                }
                None => split.push(Part {
                    grant: g,
                    sources: vec![s.clone()],
                    holders: holder.into_iter().collect(),
                    app: found,
                }),
            }
        }
        if g.sources.is_empty() {
            split.push(Part {
                grant: g,
                sources: Vec::new(),
                holders: Vec::new(),
                app,
            });
        }
        parts.extend(split);
    }
    apps.sort_by_key(|a| a.app);
    let whole = app.is_none() && (apps.is_empty() || parts.iter().any(|x| x.app.is_none()));

    let mut undocumented = Vec::new();
    let mut other_app: Vec<AuditEntry> = Vec::new();
    let mut granted_anywhere: Vec<bool> = vec![false; union.entries.len()];
    for part in &parts {
        let hit_union = union.find(part.grant);
        if let Some(u) = hit_union {
            granted_anywhere[u] = true;
        }
        let Some(a) = part.app else {
            match hit_union {
                Some(u) => part.mark(&mut union.entries[u]),
                None => undocumented.push(undocumented_entry(catalog, part, None)),
            }
            continue;
        };
        let holder = p.apps[a].name.clone();
        if let Some(i) = per_app[a].find(part.grant) {
            part.mark(&mut per_app[a].entries[i]);
            continue;
        }
        match hit_union {
            Some(u) => {
                // Documented, but for other apps of the product only.
                let key = (
                    union.entries[u].api,
                    union.entries[u].kind,
                    union.entries[u].permission.clone(),
                );
                let at = match other_app
                    .iter()
                    .position(|e| (e.api, e.kind, e.permission.clone()) == key && e.app.as_deref() == Some(&holder))
                {
                    Some(at) => at,
                    None => {
                        let mut e = union.entries[u].clone();
                        let others: Vec<String> = {
                            let mut v: Vec<String> = e.documented.iter().map(|d| d.app.clone()).collect();
                            v.dedup();
                            v
                        };
                        e.notes = vec![format!("documented for {}, not for this app", others.join(" and "))];
                        e.app = Some(holder.clone());
                        e.granted = 0;
                        e.sources.clear();
                        e.principals.clear();
                        e.consents.clear();
                        other_app.push(e);
                        other_app.len() - 1
                    }
                };
                part.mark(&mut other_app[at]);
            }
            None => undocumented.push(undocumented_entry(catalog, part, Some(&holder))),
        }
    }
    // Unknown GUIDs first (nobody can say what they allow), then by risk.
    undocumented.sort_by(|a, b| {
        b.is_unknown()
            .cmp(&a.is_unknown())
            .then_with(|| score(b).cmp(&score(a)))
    });

    let mut granted_documented = Vec::new();
    let mut not_granted = Vec::new();
    for x in &apps {
        let entries = std::mem::take(&mut per_app[x.app].entries);
        for e in entries {
            if e.granted > 0 {
                granted_documented.push(e);
            } else if !whole {
                not_granted.push(e);
            }
        }
    }
    if whole {
        for (u, e) in std::mem::take(&mut union.entries).into_iter().enumerate() {
            if e.granted > 0 {
                granted_documented.push(e);
            } else if !granted_anywhere[u] {
                not_granted.push(e);
            }
        }
    }

    let mut notices = Vec::new();
    if whole && p.apps.len() > 1 {
        let held = if strangers.is_empty() {
            "the export names no holder".to_string()
        } else {
            format!("held by {}", strangers.join("; "))
        };
        let apps_list = p.apps.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
        notices.push(if apps.is_empty() {
            format!(
                "{} installs {} apps ({apps_list}), and the grants do not say which holds them ({held}): they were checked against every app's documented permissions together. Name the app (audit --app NAME) to check them against its own.",
                p.slug,
                p.apps.len()
            )
        } else {
            format!(
                "Some grants do not say which of {}'s apps ({apps_list}) holds them ({held}): those were checked against every app's documented permissions together.",
                p.slug
            )
        });
    }
    Audit {
        product,
        product_slug: p.slug.clone(),
        product_name: p.name.clone(),
        vendor: p.vendor.clone(),
        app_count: p.apps.len(),
        apps,
        granted_documented,
        other_app,
        undocumented,
        not_granted,
        notices,
    }
}

fn score(e: &AuditEntry) -> (u8, u8) {
    e.rating.as_ref().map_or((0, 0), |r| (r.level as u8, r.score))
}

fn consent_names(g: &ResolvedGrant) -> Vec<String> {
    g.consents.iter().map(|c| c.as_str().to_string()).collect()
}

fn extend_unique(list: &mut Vec<String>, items: &[String]) {
    for i in items {
        if !list.contains(i) {
            list.push(i.clone());
        }
    }
}

fn undocumented_entry(catalog: &Catalog, part: &Part, app: Option<&str>) -> AuditEntry {
    let g = part.grant;
    let (api_name, api_short, api_app_id) = match g.api {
        Some(i) => {
            let a = &catalog.apis[i];
            (a.name.clone(), a.short.clone(), Some(a.app_id.clone()))
        }
        None => {
            let label = g.resource.label();
            (label.clone(), label, g.resource.app_id.clone())
        }
    };
    let rating = g.permission.as_deref().map(|p| catalog.risk.rate(&api_name, g.kind, p));
    let mut notes = g.notes.clone();
    if g.api.is_none() {
        notes.insert(
            0,
            "resource unknown to permscope: no vendor documents a permission on it".into(),
        );
    }
    AuditEntry {
        api: g.api,
        api_name,
        api_short,
        api_app_id,
        kind: g.kind,
        permission: g.permission.clone(),
        id: g.id.clone(),
        rating,
        documented: Vec::new(),
        granted: part.count(),
        sources: part.sources.clone(),
        principals: part.principals().to_vec(),
        consents: consent_names(g),
        notes,
        app: app.map(str::to_string),
    }
}

// ------------------------------------------------------------------ JSON

/// The audit as JSON: `{"granted_documented": [...], "undocumented": [...],
/// "not_granted": [...], "documented_for_another_app": [...], "product", "apps",
/// "notices"}`. Every entry has `api`, `permission` (null when the GUID is
/// unknown), `type` (`application` or `delegated`), `id` (null when no catalog
/// knows it), `unknown`, `flagged`, `risk` (null when unknown), `documented`
/// (document, line, app), `granted` (count), `sources` (file, export, entry,
/// path, line), `principals`, `consent`, `notes` and `app` (the product's app
/// the entry is for; null when the grants could not be tied to one). `apps`
/// lists the apps checked one by one, each with `app`, `matched_by` (`given`,
/// `display_name`, `object_id`, `app_id`) and `holder`. This is a contract for
/// scripts: fields are only ever added.
pub fn to_json(audit: &Audit) -> Value {
    json!({
        "product": audit.product_slug,
        "apps": audit.apps.iter().map(|a| json!({
            "app": a.name,
            "matched_by": a.matched_by.as_str(),
            "holder": a.holder,
        })).collect::<Vec<_>>(),
        "granted_documented": audit.granted_documented.iter().map(|e| entry_json(e, false)).collect::<Vec<_>>(),
        "documented_for_another_app": audit.other_app.iter().map(|e| entry_json(e, true)).collect::<Vec<_>>(),
        "undocumented": audit.undocumented.iter().map(|e| entry_json(e, true)).collect::<Vec<_>>(),
        "not_granted": audit.not_granted.iter().map(|e| entry_json(e, false)).collect::<Vec<_>>(),
        "notices": audit.notices,
    })
}

fn entry_json(e: &AuditEntry, flagged: bool) -> Value {
    json!({
        "api": e.api_name,
        "api_app_id": e.api_app_id,
        "resource_known": e.api.is_some(),
        "permission": e.permission,
        "type": e.kind.as_str(),
        "id": e.id,
        "unknown": e.is_unknown(),
        "flagged": flagged,
        "risk": e.rating.as_ref().map(|r| json!({
            "level": r.level.as_str(),
            "score": r.score,
            "reasons": r.reasons,
            "basis": r.basis.as_str(),
        })),
        "documented": e.documented.iter().map(|d| json!({
            "document": d.document,
            "line": d.line,
            "app": d.app,
        })).collect::<Vec<_>>(),
        "granted": e.granted,
        "sources": e.sources.iter().map(|s| json!({
            "file": s.origin,
            "export": s.export.as_str(),
            "entry": s.entry,
            "path": s.path,
            "line": s.line,
        })).collect::<Vec<_>>(),
        "principals": e.principals,
        "consent": e.consents,
        "notes": e.notes,
        "app": e.app,
    })
}

// ------------------------------------------------------------------ shared text

fn badge(e: &AuditEntry) -> &'static str {
    e.rating.as_ref().map_or("?", |r| r.level.badge())
}

/// "3 granted and documented, 1 documented for another app, 2 granted but
/// undocumented, 4 documented but not granted" (the other-app count only for
/// products with several apps): the one summary every view of an audit gives.
pub fn summary(audit: &Audit) -> String {
    let mut parts = vec![format!("{} granted and documented", audit.granted_documented.len())];
    if audit.app_count > 1 {
        parts.push(format!("{} documented for another app", audit.other_app.len()));
    }
    parts.push(format!("{} granted but undocumented", audit.undocumented.len()));
    parts.push(format!("{} documented but not granted", audit.not_granted.len()));
    parts.join(", ")
}

/// The lines saying which apps the grants were checked against, and how
/// each was known, then the notices.
pub fn app_lines(audit: &Audit) -> Vec<String> {
    let mut out: Vec<String> = audit
        .apps
        .iter()
        .map(|a| {
            let holder = a.holder.as_ref().map(|h| format!(" \"{h}\"")).unwrap_or_default();
            format!(
                "Checked against the app {} ({}{holder}).",
                a.name,
                a.matched_by.describe()
            )
        })
        .collect();
    out.extend(audit.notices.iter().cloned());
    out
}

/// Where a grant was read: file names with their lines (`grants.json:12,40`) and a repeat count.
fn granted_at(e: &AuditEntry) -> String {
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    for s in &e.sources {
        let file = std::path::Path::new(&s.origin)
            .file_name()
            .map_or_else(|| s.origin.clone(), |f| f.to_string_lossy().into_owned());
        let place = s.line.map_or_else(|| s.path.clone(), |l| l.to_string());
        match files.iter_mut().find(|(f, _)| *f == file) {
            Some((_, places)) => {
                if !places.contains(&place) {
                    places.push(place);
                }
            }
            None => files.push((file, vec![place])),
        }
    }
    let mut out = files
        .iter()
        .map(|(f, places)| format!("{f}:{}", places.join(",")))
        .collect::<Vec<_>>()
        .join(", ");
    if e.granted > 1 {
        out.push_str(&format!(" (granted {} times)", e.granted));
    }
    out
}

/// "line 45, line 69", each with its app when the product has several
/// (`with_app`) and it is not the entry's own.
fn documented_at(e: &AuditEntry, with_app: bool) -> String {
    e.documented
        .iter()
        .map(|d| {
            if with_app && e.app.as_deref() != Some(d.app.as_str()) {
                format!("line {} ({})", d.line, d.app)
            } else {
                format!("line {}", d.line)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

// ------------------------------------------------------------------ Markdown

/// The audit as a Markdown report: a summary, then one table per list.
pub fn to_markdown(audit: &Audit) -> String {
    let mut out = format!(
        "# Permission audit: {} ({})\n\n",
        md_text(&audit.product_name),
        md_code(&audit.product_slug),
    );
    for line in app_lines(audit) {
        out.push_str(&md_text(&line));
        out.push_str("\n\n");
    }
    out.push_str(&format!("{}.\n", md_text(&summary(audit))));
    let permission = |e: &AuditEntry| match &e.permission {
        Some(p) => md_code(p),
        None => "**unknown GUID**".to_string(),
    };
    let id = |e: &AuditEntry| e.id.as_deref().map_or_else(|| "not in catalog".to_string(), md_code);
    let multi = audit.app_count > 1;

    out.push_str(&format!(
        "\n## Granted but undocumented ({})\n\n",
        audit.undocumented.len()
    ));
    if audit.undocumented.is_empty() {
        out.push_str("None: the app holds nothing the vendor does not document.\n");
    } else {
        out.push_str("| Risk | Permission | API | Type | ID | Granted in | Notes |\n|---|---|---|---|---|---|---|\n");
        for e in &audit.undocumented {
            let mut notes = entry_notes(audit, e);
            if let Some(r) = &e.rating
                && let Some(first) = r.reasons.first()
            {
                notes.insert(0, first.clone());
            }
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} |\n",
                badge(e),
                permission(e),
                md_text(&e.api_name),
                e.kind,
                id(e),
                md_text(&granted_at(e)),
                md_text(&notes.join(" "))
            ));
        }
    }

    let granted: [(&str, &[AuditEntry], bool); 2] = [
        ("Granted, documented only for another app", &audit.other_app, multi),
        ("Granted and documented", &audit.granted_documented, true),
    ];
    for (title, entries, shown) in granted {
        if !shown {
            continue;
        }
        out.push_str(&format!("\n## {title} ({})\n\n", entries.len()));
        if entries.is_empty() {
            out.push_str("None.\n");
            continue;
        }
        out.push_str("| Risk | Permission | API | Type | ID | Documented at | Granted in | Notes |\n|---|---|---|---|---|---|---|---|\n");
        for e in entries {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                badge(e),
                permission(e),
                md_text(&e.api_name),
                e.kind,
                id(e),
                md_text(&documented_at(e, multi)),
                md_text(&granted_at(e)),
                md_text(&entry_notes(audit, e).join(" "))
            ));
        }
    }

    out.push_str(&format!(
        "\n## Documented but not granted ({})\n\n",
        audit.not_granted.len()
    ));
    if audit.not_granted.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| Risk | Permission | API | Type | ID | Documented at |\n|---|---|---|---|---|---|\n");
        for e in &audit.not_granted {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                badge(e),
                permission(e),
                md_text(&e.api_name),
                e.kind,
                id(e),
                md_text(&documented_at(e, multi))
            ));
        }
    }
    out
}

/// An entry's notes, after "held by X" when the product has several apps.
fn entry_notes(audit: &Audit, e: &AuditEntry) -> Vec<String> {
    let mut notes = Vec::new();
    if audit.app_count > 1
        && e.granted > 0
        && let Some(app) = &e.app
    {
        notes.push(format!("held by {app}"));
    }
    notes.extend(e.notes.iter().cloned());
    notes
}

// ------------------------------------------------------------------ terminal table

/// A column of the text table: header, natural width, narrowest useful width.
struct Col {
    header: &'static str,
    cells: Vec<String>,
    min: usize,
}

/// The audit as aligned text for a terminal `width` columns wide: a summary, then
/// one section per list. Undocumented rows start with `!`. All text is neutralised.
pub fn to_table(audit: &Audit, width: usize) -> String {
    let width = width.max(40);
    let mut out = String::new();
    out.push_str(&truncate(
        &one_line(&format!(
            "Audit of {} ({}) by {}",
            audit.product_name, audit.product_slug, audit.vendor
        )),
        width,
    ));
    out.push('\n');
    // Prose is wrapped, never cut: it says how the grants were tied to apps.
    for line in app_lines(audit) {
        for part in crate::model::text::wrap(&one_line(&line), width, "  ") {
            out.push_str(&part);
            out.push('\n');
        }
    }
    out.push_str(&truncate(&one_line(&summary(audit)), width));
    out.push('\n');
    let multi = audit.app_count > 1;
    let sections: [(&str, &[AuditEntry], bool, bool); 4] = [
        ("GRANTED BUT UNDOCUMENTED", &audit.undocumented, true, true),
        (
            "GRANTED, DOCUMENTED ONLY FOR ANOTHER APP",
            &audit.other_app,
            true,
            multi,
        ),
        ("GRANTED AND DOCUMENTED", &audit.granted_documented, false, true),
        ("DOCUMENTED BUT NOT GRANTED", &audit.not_granted, false, true),
    ];
    for (title, entries, flagged, shown) in sections {
        if !shown {
            continue;
        }
        out.push('\n');
        out.push_str(&format!("{title} ({})\n", entries.len()));
        if entries.is_empty() {
            out.push_str("  none\n");
            continue;
        }
        out.push_str(&section_table(audit, entries, flagged, width));
    }
    out
}

fn section_table(audit: &Audit, entries: &[AuditEntry], flagged: bool, width: usize) -> String {
    let multi = audit.app_count > 1;
    let detail = |e: &AuditEntry| -> String {
        let mut parts = Vec::new();
        // A flagged grant that is documented is documented for another app:
        // that comes first, before the columns are cut to fit.
        let first = flagged && !e.documented.is_empty();
        if first {
            parts.extend(entry_notes(audit, e));
        }
        if !e.documented.is_empty() {
            parts.push(format!("documented at {}", documented_at(e, multi)));
        }
        if !e.sources.is_empty() {
            parts.push(format!("granted in {}", granted_at(e)));
        }
        if !first {
            parts.extend(entry_notes(audit, e));
        }
        parts.join("; ")
    };
    let mut cols = vec![
        Col {
            header: "RISK",
            cells: entries.iter().map(|e| badge(e).to_string()).collect(),
            min: 4,
        },
        Col {
            header: "PERMISSION",
            cells: entries.iter().map(|e| one_line(&e.permission_label())).collect(),
            min: 16,
        },
        Col {
            header: "TYPE",
            cells: entries.iter().map(|e| e.kind.as_str().to_string()).collect(),
            min: 11,
        },
        Col {
            header: "API",
            cells: entries.iter().map(|e| one_line(&e.api_short)).collect(),
            min: 8,
        },
        Col {
            header: "ID",
            cells: entries
                .iter()
                .map(|e| e.id.clone().unwrap_or_else(|| "-".into()))
                .collect(),
            min: 36,
        },
        Col {
            header: "DETAIL",
            cells: entries.iter().map(|e| one_line(&detail(e))).collect(),
            min: 24,
        },
    ];
    let mut widths: Vec<usize> = cols
        .iter()
        .map(|c| {
            c.cells
                .iter()
                .map(|s| display_width(s))
                .chain([c.header.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let prefix = 2; // "! " or "  "
    let total = |w: &[usize]| prefix + w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
    // The ID goes first (it is for machines), then the detail shrinks or goes,
    // then the API and the permission give what they must; lines are cut last.
    if total(&widths) > width {
        cols.remove(4);
        widths.remove(4);
    }
    let over = total(&widths).saturating_sub(width);
    widths[4] = widths[4].saturating_sub(over).max(cols[4].min.min(widths[4]));
    if total(&widths) > width {
        cols.pop();
        widths.pop();
    }
    for (i, floor) in [(3, 8), (1, 6)] {
        let over = total(&widths).saturating_sub(width);
        widths[i] = widths[i].saturating_sub(over).max(floor.min(widths[i]));
    }
    let mut out = String::new();
    let line = |lead: &str, cells: Vec<&str>| -> String {
        let mut s = lead.to_string();
        for (n, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            let cut = truncate(cell, *w);
            s.push_str(&cut);
            if n + 1 < cells.len() {
                s.push_str(&" ".repeat(w.saturating_sub(display_width(&cut)) + 2));
            }
        }
        truncate(s.trim_end(), width).into_owned()
    };
    out.push_str(&line("  ", cols.iter().map(|c| c.header).collect()));
    out.push('\n');
    for r in 0..entries.len() {
        let lead = if flagged { "! " } else { "  " };
        out.push_str(&line(lead, cols.iter().map(|c| c.cells[r].as_str()).collect()));
        out.push('\n');
    }
    out
}
