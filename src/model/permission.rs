//! Permissions as Entra ID knows them: a claim on a resource, of one kind.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How a permission is granted: to the app itself, or on behalf of a signed-in user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionKind {
    /// An app role: the app acts with no signed-in user, across the tenant.
    Application,
    /// An OAuth2 scope: the app acts for a signed-in user, within that user's access.
    Delegated,
}

impl PermissionKind {
    /// Lower-case name used in files, JSON output and the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionKind::Application => "application",
            PermissionKind::Delegated => "delegated",
        }
    }

    /// The `type` an app manifest's `resourceAccess` entry uses for this kind.
    pub fn manifest_type(self) -> &'static str {
        match self {
            PermissionKind::Application => "Role",
            PermissionKind::Delegated => "Scope",
        }
    }

    /// Parses forgiving user input: `application`, `app`, `role`, `delegated`, `scope`...
    pub fn parse_loose(text: &str) -> Option<PermissionKind> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "application" | "app" | "a" | "role" | "approle" => Some(PermissionKind::Application),
            "delegated" | "delegate" | "d" | "scope" | "user" => Some(PermissionKind::Delegated),
            _ => None,
        }
    }
}

impl fmt::Display for PermissionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of a permission: resource, kind and claim name.
///
/// Never key on the name alone: Graph `Calendars.ReadWrite` and Exchange
/// `Calendars.ReadWrite.All` share one GUID, and `User.Read.All` exists on both
/// Graph and SharePoint with different meanings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PermissionKey {
    /// Index of the resource in the catalog's API list.
    pub api: usize,
    pub kind: PermissionKind,
    pub name: String,
}
