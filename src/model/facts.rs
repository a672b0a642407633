//! Facts about permissions from Microsoft's catalogs: GUID and admin consent.
//!
//! Keyed on (resource app id, kind, claim): the same GUID can carry different
//! names on Graph and Exchange, and one name can mean different things on
//! different resources.

use crate::model::permission::PermissionKind;
use crate::model::text;
use serde::Deserialize;
use std::collections::HashMap;

/// What Microsoft's catalog says about one permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionFact {
    /// App role id (application) or OAuth2 scope id (delegated).
    pub id: String,
    /// Whether granting it needs an administrator; `None` when the catalog does not say.
    pub admin_consent: Option<bool>,
    /// Microsoft's admin display name.
    pub display_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactsFile {
    #[serde(default, rename = "$comment")]
    _comment: Option<String>,
    permissions: Vec<FactEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FactEntry {
    resource: String,
    #[serde(rename = "type")]
    kind: PermissionKind,
    #[serde(deserialize_with = "text::checked")]
    permission: String,
    id: String,
    admin_consent: Option<bool>,
    #[serde(default, deserialize_with = "text::checked_opt")]
    display_name: Option<String>,
}

/// The permission catalog: facts keyed on resource, kind and claim.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    by_key: HashMap<(String, PermissionKind, String), PermissionFact>,
    /// Lower-cased claim to the catalog's spelling, for "did you mean" hints.
    spelling: HashMap<(String, PermissionKind, String), String>,
}

impl Facts {
    /// The facts shipped in `data/permissions.json`.
    pub fn bundled() -> Facts {
        Facts::from_json(include_str!("../../data/permissions.json"))
            .expect("bundled data/permissions.json is valid (tested)")
    }

    /// Parses a facts file.
    pub fn from_json(text: &str) -> Result<Facts, serde_json::Error> {
        let file: FactsFile = serde_json::from_str(text)?;
        let mut facts = Facts::default();
        for e in file.permissions {
            facts.insert(
                &e.resource,
                e.kind,
                &e.permission,
                PermissionFact {
                    id: e.id.to_lowercase(),
                    admin_consent: e.admin_consent,
                    display_name: e.display_name,
                },
            );
        }
        Ok(facts)
    }

    /// Adds or replaces one fact.
    pub fn insert(&mut self, resource_app_id: &str, kind: PermissionKind, name: &str, fact: PermissionFact) {
        let app = resource_app_id.to_lowercase();
        self.spelling
            .insert((app.clone(), kind, name.to_lowercase()), name.to_string());
        self.by_key.insert((app, kind, name.to_string()), fact);
    }

    /// The fact for an exact claim on a resource, if the catalog has it.
    pub fn get(&self, resource_app_id: &str, kind: PermissionKind, name: &str) -> Option<&PermissionFact> {
        self.by_key
            .get(&(resource_app_id.to_lowercase(), kind, name.to_string()))
    }

    /// The catalog's spelling of a claim that matches only when case is ignored.
    pub fn spelled_differently(&self, resource_app_id: &str, kind: PermissionKind, name: &str) -> Option<&str> {
        self.spelling
            .get(&(resource_app_id.to_lowercase(), kind, name.to_lowercase()))
            .map(String::as_str)
            .filter(|s| *s != name)
    }

    /// The claim a GUID stands for on a resource and kind (reverse lookup).
    pub fn name_of(&self, resource_app_id: &str, kind: PermissionKind, id: &str) -> Option<&str> {
        let app = resource_app_id.to_lowercase();
        let id = id.to_lowercase();
        self.by_key
            .iter()
            .find(|((a, k, _), f)| *a == app && *k == kind && f.id == id)
            .map(|((_, _, n), _)| n.as_str())
    }

    /// Number of facts.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// True when there are no facts.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}
