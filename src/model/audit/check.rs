//! Matching grants against the documented requirements, app by app.

use crate::model::catalog::Catalog;
use crate::model::grants::ResolvedGrant;
use crate::model::holders::{Holders, MatchedBy};
use crate::model::permission::{PermissionKey, PermissionKind};
use crate::model::read::grants::GrantSource;
use crate::model::risk::Rating;
use crate::model::text::and_list;
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
    /// For a grant narrower than documented: the documented rows it stands
    /// in for (empty elsewhere).
    pub narrower_than: Vec<DocumentedAt>,
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
    /// Granted, not documented, but narrower than a permission the holding
    /// app's documentation asks for (a least-privilege substitute, or a lower
    /// form of a documented permission): listed, not flagged.
    pub narrower: Vec<AuditEntry>,
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

/// Permissions that may stand in for a documented one without granting more,
/// per app of the product (from the advice: its narrower alternatives). A
/// granted permission found here, or one a documented permission of the same
/// app covers (`Mail.ReadWrite` covers `Mail.Read`), is "narrower than
/// documented" rather than undocumented.
#[derive(Debug, Clone, Default)]
pub struct Narrower {
    /// (app, resource, kind, lower-case claim) → the documented rows it stands in for.
    by_key: HashMap<(usize, usize, PermissionKind, String), Vec<usize>>,
}

impl Narrower {
    /// Records that `key` may stand in for the documented requirement `row` of `app`.
    pub fn add(&mut self, app: usize, key: &PermissionKey, row: usize) {
        let rows = self
            .by_key
            .entry((app, key.api, key.kind, key.name.to_lowercase()))
            .or_default();
        if !rows.contains(&row) {
            rows.push(row);
        }
    }

    /// The documented rows of `app` (of any app, with `None`) that `grant` is
    /// narrower than: recorded ones, or those whose permission covers it.
    fn rows_for(&self, catalog: &Catalog, product: usize, app: Option<usize>, g: &ResolvedGrant) -> Vec<usize> {
        let (Some(api), Some(name)) = (g.api, g.permission.as_deref()) else {
            return Vec::new();
        };
        let lower = name.to_lowercase();
        let mut rows: Vec<usize> = Vec::new();
        for row in catalog.rows_of(product) {
            let r = &catalog.requirements[row];
            if app.is_some_and(|a| r.app != a) || r.api != api || r.kind != g.kind {
                continue;
            }
            let recorded = self
                .by_key
                .get(&(r.app, api, g.kind, lower.clone()))
                .is_some_and(|rows| rows.contains(&row));
            if recorded || crate::model::claim::covers(&r.permission, name) {
                rows.push(row);
            }
        }
        rows
    }
}

/// Matches resolved grants against the documented requirements of `product`,
/// every app together (distinct by resource, kind and claim; rows with a blank
/// claim cannot be granted and are left out). See [`audit_apps`] to check
/// each app's grants against that app.
pub fn audit(catalog: &Catalog, product: usize, grants: &[ResolvedGrant]) -> Audit {
    audit_apps(
        catalog,
        product,
        None,
        grants,
        &Holders::default(),
        &Narrower::default(),
    )
}

/// The documented permissions of some rows, in document order, keyed by
/// (resource, kind, lower-case claim).
struct Documented {
    entries: Vec<AuditEntry>,
    by_key: HashMap<(usize, PermissionKind, String), usize>,
}

impl Documented {
    fn of(catalog: &Catalog, product: usize, rows: impl Iterator<Item = usize>, app: Option<&str>) -> Documented {
        let mut d = Documented {
            entries: Vec::new(),
            by_key: HashMap::new(),
        };
        for row in rows {
            let r = &catalog.requirements[row];
            if r.permission.trim().is_empty() {
                continue;
            }
            let at = documented_at(catalog, product, row);
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
                        narrower_than: Vec::new(),
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
    narrower: &Narrower,
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
    let mut narrower_entries: Vec<AuditEntry> = Vec::new();
    // Not documented for the app: narrower than what is, or undocumented.
    let mut place = |part: &Part, app: Option<usize>| {
        let rows = narrower.rows_for(catalog, product, app, part.grant);
        let holder = app.map(|a| p.apps[a].name.as_str());
        let mut e = undocumented_entry(catalog, part, holder);
        if rows.is_empty() {
            undocumented.push(e);
            return;
        }
        let wider: Vec<String> = rows
            .iter()
            .map(|&row| {
                let r = &catalog.requirements[row];
                format!("{} (line {})", r.permission, r.line)
            })
            .collect();
        e.notes
            .insert(0, format!("narrower than the documented {}", and_list(&wider)));
        e.narrower_than = rows.iter().map(|&row| documented_at(catalog, product, row)).collect();
        narrower_entries.push(e);
    };
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
                None => place(part, None),
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
                        e.notes = vec![format!("documented for {}, not for this app", and_list(&others))];
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
            None => place(part, Some(a)),
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
        narrower: narrower_entries,
        not_granted,
        notices,
    }
}

/// Where row `row` of `product` documents its permission.
fn documented_at(catalog: &Catalog, product: usize, row: usize) -> DocumentedAt {
    let p = &catalog.products[product];
    let r = &catalog.requirements[row];
    DocumentedAt {
        row,
        app: p.apps[r.app].name.clone(),
        document: p.source.file.clone(),
        line: r.line,
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
        narrower_than: Vec::new(),
        granted: part.count(),
        sources: part.sources.clone(),
        principals: part.principals().to_vec(),
        consents: consent_names(g),
        notes,
        app: app.map(str::to_string),
    }
}
