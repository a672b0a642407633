//! A tenant's grants resolved against the catalog: which API and permission
//! each exported grant is, and the catalog extended by a resource's own
//! definitions. The exports themselves are read by [`crate::model::read::grants`].

use crate::model::catalog::Catalog;
use crate::model::permission::PermissionKind;
use crate::model::read::ReadError;
use crate::model::read::grants::{
    CatalogEntries, Consent, DEFAULT_ACCESS_ID, ExportKind, GRAPH_APP_ID, Grant, GrantSource, Principal, ResourceRef,
    is_guid,
};
use crate::model::text;
use std::collections::HashMap;

// ------------------------------------------------------------------ extending the catalog

/// Adds a resource's permission definitions to the catalog's facts, so grants by
/// GUID resolve to names. `resource` (an API name, alias or app id) says which
/// resource a bare list belongs to; it defaults to Microsoft Graph. A service
/// principal names its own resource, and a `resource` that disagrees is refused.
/// Returns the number of permissions added or updated.
pub fn extend_catalog(
    catalog: &mut Catalog,
    entries: &CatalogEntries,
    resource: Option<&str>,
) -> Result<usize, ReadError> {
    let given = match resource {
        None => None,
        Some(r) => match catalog.api_index(r) {
            Some(i) => Some(catalog.apis[i].app_id.clone()),
            None if is_guid(r.trim()) => Some(r.trim().to_ascii_lowercase()),
            None => {
                let known: Vec<&str> = catalog.apis.iter().map(|a| a.name.as_str()).collect();
                return Err(ReadError::file(
                    &entries.origin,
                    format!(
                        "unknown resource `{}`: give an API ({}) or a resource app id",
                        text::neutralise(r),
                        known.join(", ")
                    ),
                ));
            }
        },
    };
    let app_id = match (&entries.resource_app_id, given) {
        (Some(own), Some(given)) if *own != given => {
            return Err(ReadError::file(
                &entries.origin,
                format!(
                    "the file is the service principal of resource app {own}{}, not {given}",
                    entries
                        .resource_name
                        .as_deref()
                        .map(|n| format!(" ({})", text::neutralise(n)))
                        .unwrap_or_default()
                ),
            ));
        }
        (Some(own), _) => own.clone(),
        (None, Some(given)) => given,
        (None, None) => GRAPH_APP_ID.to_string(),
    };
    for e in &entries.entries {
        catalog.microsoft.insert(&app_id, e.kind, &e.name, e.fact.clone());
    }
    Ok(entries.entries.len())
}

// ------------------------------------------------------------------ resolving grants

/// A grant (or several identical ones) matched to the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedGrant {
    /// Index into the catalog's APIs; `None` for a resource permscope does not know.
    pub api: Option<usize>,
    /// How the export named the resource (kept for display when `api` is `None`).
    pub resource: ResourceRef,
    pub kind: PermissionKind,
    /// The claim; `None` when the GUID is in no catalog permscope has.
    pub permission: Option<String>,
    /// The GUID, from the export or the catalog.
    pub id: Option<String>,
    /// How many grant records this stands for (more than one when duplicated).
    pub count: usize,
    /// Where each of them was read.
    pub sources: Vec<GrantSource>,
    /// The apps holding it, by display name or id.
    pub principals: Vec<String>,
    /// Who consented, for delegated grants.
    pub consents: Vec<Consent>,
    /// What a reviewer should know: inferred resources, unknown GUIDs, one-user consent.
    pub notes: Vec<String>,
}

impl ResolvedGrant {
    /// The API's canonical name, or the resource as the export names it.
    pub fn api_label(&self, catalog: &Catalog) -> String {
        match self.api {
            Some(i) => catalog.apis[i].name.clone(),
            None => self.resource.label(),
        }
    }

    /// True when the permission's GUID is in no catalog: it cannot be named or matched.
    pub fn is_unknown(&self) -> bool {
        self.permission.is_none()
    }
}

fn api_by_app_id(catalog: &Catalog, app_id: &str) -> Option<usize> {
    catalog.apis.iter().position(|a| a.app_id.eq_ignore_ascii_case(app_id))
}

/// Matches every grant to the catalog: the resource by app id, display name
/// (names and aliases, [`crate::model::product::Api::is_called`]) or an object id
/// another grant in the same set names; the permission by GUID through the
/// catalog's facts. Delegated grants that name their resource only by object id
/// are placed on the API whose scopes best explain their scope words, with a note.
/// A grant nothing resolves is kept, marked unknown, with its GUID. Identical
/// grants (same resource, kind and permission) are merged and counted.
pub fn resolve(catalog: &Catalog, grants: &[Grant]) -> Vec<ResolvedGrant> {
    // Object ids are per tenant: learn them from grants that also give a name.
    let mut learned: HashMap<String, usize> = HashMap::new();
    for g in grants {
        if let Some(oid) = &g.resource.object_id
            && let Some(api) = direct_api(catalog, &g.resource)
        {
            learned.entry(oid.clone()).or_insert(api);
        }
    }
    // Scope words of each delegated grant entry, for inferring an unnamed resource.
    let mut words: HashMap<(&str, usize), Vec<&str>> = HashMap::new();
    for g in grants {
        if g.kind == PermissionKind::Delegated
            && let Some(n) = &g.name
        {
            words.entry((&g.source.origin, g.source.entry)).or_default().push(n);
        }
    }

    // Inferred once per entry: an entry's scope string may hold thousands of
    // words, and inferring for each of them was quadratic.
    let mut inferred: HashMap<(&str, usize), Inferred> = HashMap::new();

    let mut out: Vec<ResolvedGrant> = Vec::new();
    let mut index: HashMap<(ResourceKey, PermissionKind, String), usize> = HashMap::new();
    for g in grants {
        let mut notes = Vec::new();
        let api = direct_api(catalog, &g.resource)
            .or_else(|| g.resource.object_id.as_ref().and_then(|o| learned.get(o).copied()))
            .or_else(|| {
                if g.kind != PermissionKind::Delegated {
                    return None;
                }
                let entry = (g.source.origin.as_str(), g.source.entry);
                let ws = words.get(&entry)?;
                let (api, also) = inferred
                    .entry(entry)
                    .or_insert_with(|| infer_api(catalog, ws))
                    .clone()?;
                let mut note = format!(
                    "resource inferred from the scope names: the export names it only by {}",
                    g.resource.label()
                );
                if !also.is_empty() {
                    note.push_str(&format!(
                        " (the same scope names exist on {} too; Microsoft Graph is taken, as most apps use it)",
                        also.iter()
                            .map(|&i| catalog.apis[i].name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                notes.push(note);
                Some(api)
            });
        let app_id = api
            .map(|i| catalog.apis[i].app_id.clone())
            .or_else(|| g.resource.app_id.clone());
        let (permission, id) = match (&g.name, &g.id) {
            (Some(name), id) => {
                let fact_id = app_id
                    .as_deref()
                    .and_then(|a| catalog.microsoft.get(a, g.kind, name).map(|f| f.id.to_string()));
                (Some(name.clone()), id.clone().or(fact_id))
            }
            (None, Some(id)) => {
                let name = app_id
                    .as_deref()
                    .and_then(|a| catalog.microsoft.name_of(a, g.kind, id).map(str::to_string));
                if name.is_none() {
                    if id == DEFAULT_ACCESS_ID {
                        notes.push("default access: the assignment names no app role".into());
                    } else if api.is_some() || app_id.is_some() {
                        notes.push(format!(
                            "GUID not in permscope's catalog of {} {} permissions: load the resource's service principal with --catalog to name it",
                            api.map_or_else(|| g.resource.label(), |i| catalog.apis[i].name.clone()),
                            g.kind
                        ));
                    } else {
                        notes.push("resource unknown to permscope, so the GUID cannot be named".into());
                    }
                }
                (name, Some(id.clone()))
            }
            (None, None) => (None, None),
        };
        if let Some(Consent::Principal { user }) = &g.consent {
            notes.push(format!(
                "consented by one user only{}",
                user.as_deref().map(|u| format!(" ({u})")).unwrap_or_default()
            ));
        }
        if g.source.export == ExportKind::RequiredResourceAccess {
            notes.push(
                "requested in the app registration (requiredResourceAccess), which is not proof of consent".into(),
            );
        }
        let resource_key = match api {
            Some(i) => ResourceKey::Api(i),
            None => ResourceKey::Raw(resource_identity(&g.resource)),
        };
        let claim_key = match (&permission, &id) {
            (Some(p), _) => p.to_ascii_lowercase(),
            (None, Some(id)) => format!("#{id}"),
            (None, None) => String::new(),
        };
        let key = (resource_key, g.kind, claim_key);
        let principal = g.principal.as_ref().and_then(Principal::label);
        match index.get(&key) {
            Some(&at) => {
                let r = &mut out[at];
                r.count += 1;
                r.sources.push(g.source.clone());
                if r.id.is_none() {
                    r.id = id;
                }
                merge_unique(&mut r.principals, principal);
                merge_unique(&mut r.consents, g.consent.clone());
                for n in notes {
                    merge_unique(&mut r.notes, Some(n));
                }
            }
            None => {
                index.insert(key, out.len());
                out.push(ResolvedGrant {
                    api,
                    resource: g.resource.clone(),
                    kind: g.kind,
                    permission,
                    id,
                    count: 1,
                    sources: vec![g.source.clone()],
                    principals: principal.into_iter().collect(),
                    consents: g.consent.clone().into_iter().collect(),
                    notes,
                });
            }
        }
    }
    out
}

fn merge_unique<T: PartialEq>(list: &mut Vec<T>, item: Option<T>) {
    if let Some(item) = item
        && !list.contains(&item)
    {
        list.push(item);
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ResourceKey {
    Api(usize),
    Raw(String),
}

/// A resource's identity when permscope does not know it: the most stable name given.
fn resource_identity(r: &ResourceRef) -> String {
    r.app_id
        .clone()
        .or_else(|| r.object_id.clone())
        .or_else(|| r.display_name.as_ref().map(|n| n.to_lowercase()))
        .unwrap_or_default()
}

/// The API a resource reference names by app id or display name.
fn direct_api(catalog: &Catalog, r: &ResourceRef) -> Option<usize> {
    r.app_id
        .as_deref()
        .and_then(|id| api_by_app_id(catalog, id))
        .or_else(|| r.display_name.as_deref().and_then(|n| catalog.api_index(n)))
}

/// The API inferred from scope names, and the others that tie with it.
type Inferred = Option<(usize, Vec<usize>)>;

/// The one API whose delegated scopes include the most of `words` (at least
/// one), with the other APIs that tie with it. Microsoft Graph wins a tie:
/// Exchange Online still offers several of Graph's scope names (`Mail.Read`,
/// `Calendars.Read`) from the days of its own REST API, and nearly every app
/// today means Graph's.
fn infer_api(catalog: &Catalog, words: &[&str]) -> Inferred {
    let scores: Vec<usize> = catalog
        .apis
        .iter()
        .map(|a| {
            words
                .iter()
                .filter(|w| {
                    catalog.microsoft.get(&a.app_id, PermissionKind::Delegated, w).is_some()
                        || catalog
                            .microsoft
                            .spelled_differently(&a.app_id, PermissionKind::Delegated, w)
                            .is_some()
                })
                .count()
        })
        .collect();
    let best = *scores.iter().max()?;
    if best == 0 {
        return None;
    }
    let tied: Vec<usize> = (0..scores.len()).filter(|&i| scores[i] == best).collect();
    if let [one] = tied.as_slice() {
        return Some((*one, Vec::new()));
    }
    let graph = tied
        .iter()
        .copied()
        .find(|&i| catalog.apis[i].app_id == crate::model::read::grants::GRAPH_APP_ID)?;
    Some((graph, tied.into_iter().filter(|&i| i != graph).collect()))
}
