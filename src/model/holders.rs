//! Who holds a grant: the app (service principal) each record of a tenant's
//! grants export belongs to, and which of a product's apps that is. A tenant
//! consents to apps, so an audit checks each app's grants against that app.

use crate::model::catalog::Catalog;
use crate::model::read::grants::{Grant, GrantSource, Principal};
use std::collections::HashMap;

/// How the app a set of grants belongs to was known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    /// The caller named it (`audit --app`).
    Given,
    /// The holder's display name (`principalDisplayName`, an application's `displayName`) is the app's name.
    DisplayName,
    /// The holder's object id (a delegated grant's `clientId`, an assignment's
    /// `principalId`) is named, with the app's name, in another export.
    ObjectId,
    /// The holder's app id is the one the product file records for the app.
    AppId,
}

impl MatchedBy {
    /// Stable snake_case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Given => "given",
            MatchedBy::DisplayName => "display_name",
            MatchedBy::ObjectId => "object_id",
            MatchedBy::AppId => "app_id",
        }
    }

    /// How a person would say it: "named with --app", "by its display name".
    pub fn describe(self) -> &'static str {
        match self {
            MatchedBy::Given => "named with --app",
            MatchedBy::DisplayName => "recognised by the holder's display name",
            MatchedBy::ObjectId => "recognised by the holder's object id, named in another export",
            MatchedBy::AppId => "recognised by the app id the product file records",
        }
    }
}

/// Who holds each grant record: the principal of every entry of every export,
/// by file and entry, to tie grants to the product's apps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holders {
    by_entry: HashMap<(String, usize), Principal>,
    /// Object id (lower case) to display name, from entries giving both.
    names: HashMap<String, String>,
}

impl Holders {
    /// The holders of `grants` (as read, before resolving).
    pub fn from_grants(grants: &[Grant]) -> Holders {
        let mut h = Holders::default();
        for g in grants {
            let Some(p) = &g.principal else { continue };
            if let (Some(id), Some(name)) = (&p.id, &p.display_name) {
                h.names.entry(id.to_ascii_lowercase()).or_insert_with(|| name.clone());
            }
            h.by_entry
                .entry((g.source.origin.clone(), g.source.entry))
                .or_insert_with(|| p.clone());
        }
        h
    }

    /// The holder of the grant read at `source`, as the export names it.
    pub fn label(&self, source: &GrantSource) -> Option<String> {
        self.by_entry
            .get(&(source.origin.clone(), source.entry))
            .and_then(Principal::label)
    }

    /// The app of `product` holding the grant read at `source`, with how it was
    /// known and the holder as named; `Err` saying who holds it when the
    /// holder is none of the apps (or only an id nothing names), `Ok(None)`
    /// when the export names no holder.
    pub fn app_of(
        &self,
        catalog: &Catalog,
        product: usize,
        source: &GrantSource,
    ) -> Result<Option<(usize, MatchedBy, String)>, String> {
        let Some(p) = self.by_entry.get(&(source.origin.clone(), source.entry)) else {
            return Ok(None);
        };
        let apps = &catalog.products[product].apps;
        let id = p.id.as_deref().map(str::to_ascii_lowercase);
        let named = |name: &str| apps.iter().position(|a| same_name(&a.name, name));
        if let Some(name) = &p.display_name
            && let Some(i) = named(name)
        {
            return Ok(Some((i, MatchedBy::DisplayName, name.clone())));
        }
        if let Some(id) = &id {
            if let Some(i) = apps
                .iter()
                .position(|a| a.app_id.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(id)))
            {
                return Ok(Some((i, MatchedBy::AppId, id.clone())));
            }
            if p.display_name.is_none()
                && let Some(name) = self.names.get(id)
                && let Some(i) = named(name)
            {
                return Ok(Some((i, MatchedBy::ObjectId, format!("{id} ({name})"))));
            }
        }
        match (&p.display_name, id) {
            (Some(name), _) => Err(format!("\"{name}\", which is none of the apps")),
            (None, Some(id)) => Err(match self.names.get(&id) {
                Some(name) => format!("\"{name}\" (object id {id}), which is none of the apps"),
                None => format!("the object id {id}, which no export here names"),
            }),
            (None, None) => Ok(None),
        }
    }
}

/// Names equal ignoring case and runs of whitespace.
fn same_name(a: &str, b: &str) -> bool {
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    fold(a) == fold(b)
}
