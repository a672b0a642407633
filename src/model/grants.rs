//! Microsoft's own exports of permissions, read in either casing its tools print.
//!
//! Two families of file come in:
//! - what an app holds or asks for: app role assignments
//!   (`GET /servicePrincipals/{id}/appRoleAssignments`, `Get-MgServicePrincipalAppRoleAssignment`),
//!   delegated grants (`GET /servicePrincipals/{id}/oauth2PermissionGrants`), and an
//!   application's `requiredResourceAccess` (manifest, `GET /applications/{id}`);
//! - what a resource offers: a service principal's `appRoles` and
//!   `oauth2PermissionScopes` (`az ad sp show`, `Get-MgServicePrincipal`), or a bare
//!   array of either, which extend the GUID catalog at run time.
//!
//! Graph's REST API and `az` print camelCase inside `{"value": [...]}` envelopes;
//! the PowerShell SDK's `ConvertTo-Json` prints PascalCase, as a bare array (or a
//! single object when there is one result). Keys are matched ignoring case.
//! Errors name the file, line, column and JSON path of the offending field.

use crate::model::catalog::Catalog;
use crate::model::facts::PermissionFact;
use crate::model::load::{self, LoadError};
use crate::model::load::{skip_value, skip_ws};
use crate::model::permission::PermissionKind;
use crate::model::text;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// A problem with an export file, located as precisely as the input allows
/// (the same shape as a product file's problems).
pub type GrantsError = LoadError;

/// Microsoft Graph's application id: the resource a bare `appRoles` or
/// `oauth2PermissionScopes` array is taken to belong to unless told otherwise.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The all-zero app role id: "default access", an assignment that names no role.
pub const DEFAULT_ACCESS_ID: &str = "00000000-0000-0000-0000-000000000000";

/// The note on a grant read from `requiredResourceAccess`.
pub const REQUESTED_NOTE: &str =
    "requested in the app registration (requiredResourceAccess), which is not proof of consent";

/// What an export file turned out to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportKind {
    /// App roles granted to a service principal (application permissions).
    AppRoleAssignments,
    /// OAuth2 permission grants (delegated permissions), one scope string each.
    DelegatedGrants,
    /// An application's `requiredResourceAccess`: what its registration asks for.
    RequiredResourceAccess,
    /// Resource service principals with their `appRoles` and scopes.
    ServicePrincipals,
    /// A bare array of app role definitions.
    AppRoles,
    /// A bare array of OAuth2 scope definitions.
    PermissionScopes,
    /// An empty list (`{"value": []}` or `[]`): nothing granted.
    Empty,
}

impl ExportKind {
    /// Stable snake_case name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::AppRoleAssignments => "app_role_assignments",
            ExportKind::DelegatedGrants => "delegated_grants",
            ExportKind::RequiredResourceAccess => "required_resource_access",
            ExportKind::ServicePrincipals => "service_principals",
            ExportKind::AppRoles => "app_roles",
            ExportKind::PermissionScopes => "permission_scopes",
            ExportKind::Empty => "empty",
        }
    }

    /// A sentence fragment for people: what the file is and where it comes from.
    pub fn describe(self) -> &'static str {
        match self {
            ExportKind::AppRoleAssignments => {
                "app role assignments (GET /servicePrincipals/{id}/appRoleAssignments, Get-MgServicePrincipalAppRoleAssignment)"
            }
            ExportKind::DelegatedGrants => {
                "delegated permission grants (GET /servicePrincipals/{id}/oauth2PermissionGrants, Get-MgServicePrincipalOauth2PermissionGrant)"
            }
            ExportKind::RequiredResourceAccess => {
                "an application's requiredResourceAccess (app manifest, GET /applications/{id}, Get-MgApplication)"
            }
            ExportKind::ServicePrincipals => {
                "a resource service principal's appRoles and oauth2PermissionScopes (az ad sp show, Get-MgServicePrincipal)"
            }
            ExportKind::AppRoles => "a list of app role definitions (a service principal's appRoles)",
            ExportKind::PermissionScopes => {
                "a list of delegated scope definitions (a service principal's oauth2PermissionScopes)"
            }
            ExportKind::Empty => "an empty list",
        }
    }

    /// True for files that describe a resource's permissions rather than an app's grants.
    pub fn is_catalog(self) -> bool {
        matches!(
            self,
            ExportKind::ServicePrincipals | ExportKind::AppRoles | ExportKind::PermissionScopes
        )
    }
}

impl fmt::Display for ExportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// How an export names the resource (API) a permission is on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ResourceRef {
    /// The resource's application id (`resourceAppId`), lower-case; the same in every tenant.
    pub app_id: Option<String>,
    /// `resourceDisplayName`, as the tenant shows it.
    pub display_name: Option<String>,
    /// `resourceId`: the resource service principal's object id in that tenant, lower-case.
    pub object_id: Option<String>,
}

impl ResourceRef {
    /// The best human name the export gives: display name, else app id, else object id.
    pub fn label(&self) -> String {
        if let Some(name) = &self.display_name {
            name.clone()
        } else if let Some(id) = &self.app_id {
            format!("resource app {id}")
        } else if let Some(id) = &self.object_id {
            format!("resource object {id}")
        } else {
            "unnamed resource".into()
        }
    }
}

/// The app (service principal or application) holding a grant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    /// Object id of the service principal, or the application's app id for a manifest.
    pub id: Option<String>,
    pub display_name: Option<String>,
    /// `principalType` (`ServicePrincipal`, `User`, `Group`) or `Application` for a manifest.
    pub kind: Option<String>,
}

impl Principal {
    /// Display name, else id.
    pub fn label(&self) -> Option<String> {
        self.display_name.clone().or_else(|| self.id.clone())
    }
}

/// Who consented to a delegated grant (`consentType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Consent {
    /// An administrator consented for every user of the tenant.
    AllPrincipals,
    /// One user consented for themselves; `user` is their object id.
    Principal { user: Option<String> },
    /// A value Microsoft may add later, kept verbatim.
    Other(String),
}

impl Consent {
    /// The `consentType` value.
    pub fn as_str(&self) -> &str {
        match self {
            Consent::AllPrincipals => "AllPrincipals",
            Consent::Principal { .. } => "Principal",
            Consent::Other(s) => s,
        }
    }
}

/// Where a grant was read: file, entry and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantSource {
    /// The file (or name given by the caller).
    pub origin: String,
    pub export: ExportKind,
    /// 0-based index of the entry in the export's list (the application for a manifest).
    pub entry: usize,
    /// JSON path of the entry, e.g. `value[3]` or `requiredResourceAccess[0].resourceAccess[2]`.
    pub path: String,
    /// 1-based line where the entry starts.
    pub line: Option<usize>,
}

impl fmt::Display for GrantSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        match self.line {
            Some(line) => write!(f, ":{line}"),
            None => write!(f, " {}", self.path),
        }
    }
}

/// One permission an app holds or asks for, as the export states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub resource: ResourceRef,
    pub kind: PermissionKind,
    /// App role or scope GUID, lower-case, when the export gives it.
    pub id: Option<String>,
    /// The claim, when the export gives it (delegated grants name their scopes).
    pub name: Option<String>,
    pub principal: Option<Principal>,
    /// Delegated grants only.
    pub consent: Option<Consent>,
    pub source: GrantSource,
}

/// One permission a resource defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub kind: PermissionKind,
    /// The claim (`value`).
    pub name: String,
    pub fact: PermissionFact,
}

/// The permissions one resource defines, read from its service principal or a bare list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntries {
    pub origin: String,
    /// `appId` of the service principal; `None` for a bare list (the caller says which resource).
    pub resource_app_id: Option<String>,
    pub resource_name: Option<String>,
    /// The service principal's object id in the tenant it was exported from.
    pub object_id: Option<String>,
    pub entries: Vec<CatalogEntry>,
}

/// Everything read from one export file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub origin: String,
    pub kind: ExportKind,
    /// For grant exports: every grant, in file order (a delegated grant gives one per scope).
    pub grants: Vec<Grant>,
    /// For catalog exports: one set per service principal (or one for a bare list).
    pub catalogs: Vec<CatalogEntries>,
}

// ------------------------------------------------------------------ reading files

/// Reads an export file: at most [`crate::model::load::MAX_FILE_BYTES`], UTF-8 (with or without a
/// byte order mark) or UTF-16 with a byte order mark, which is what Windows
/// PowerShell 5.1's `>` and `Out-File` write.
pub fn read_input(path: &Path) -> Result<String, GrantsError> {
    let bytes = crate::model::load::read_bytes_capped(path)?;
    decode(&bytes, &path.display().to_string())
}

/// Text from bytes: UTF-8, or UTF-16 LE/BE announced by a byte order mark.
pub fn decode(bytes: &[u8], origin: &str) -> Result<String, GrantsError> {
    let utf16 = |rest: &[u8], little: bool| -> Result<String, GrantsError> {
        if !rest.len().is_multiple_of(2) {
            return Err(LoadError::file(
                origin,
                "the file is UTF-16 but has an odd number of bytes",
            ));
        }
        let units = rest.chunks_exact(2).map(|c| {
            if little {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        let mut out = String::with_capacity(rest.len() / 2);
        for c in char::decode_utf16(units) {
            match c {
                Ok(c) => out.push(c),
                Err(_) => {
                    let line = out.matches('\n').count() + 1;
                    return Err(LoadError {
                        origin: origin.to_string(),
                        line: Some(line),
                        column: None,
                        field: None,
                        message: "the file is UTF-16 but holds an unpaired surrogate".into(),
                    });
                }
            }
        }
        Ok(out)
    };
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, false);
    }
    let rest = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    String::from_utf8(rest.to_vec()).map_err(|e| {
        let before = &rest[..e.utf8_error().valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        LoadError {
            origin: origin.to_string(),
            line: Some(line),
            column: None,
            field: None,
            message: "the file is neither UTF-8 nor UTF-16 with a byte order mark".into(),
        }
    })
}

/// Reads and parses an export file; see [`read_export`].
pub fn read_export_file(path: &Path) -> Result<Export, GrantsError> {
    let text = read_input(path)?;
    read_export(&text, &path.display().to_string())
}

// ------------------------------------------------------------------ parsing

/// Parses an export, recognising its shape (envelope, bare array or single
/// object; camelCase or PascalCase) and what it holds. `origin` names the file in errors.
pub fn read_export(text: &str, origin: &str) -> Result<Export, GrantsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| LoadError {
        origin: origin.to_string(),
        line: Some(e.line()).filter(|l| *l > 0),
        column: Some(e.column()).filter(|c| *c > 0),
        field: None,
        message: format!("not valid JSON: {}", strip_position(&e.to_string())),
    })?;
    Doc::new(text, origin).export(&value)
}

/// serde_json appends " at line L column C"; the error prints the position itself.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// One step of a JSON path, with keys as the file spells them.
#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn path_string(path: &[Seg]) -> String {
    let s = load::path_text(steps(path));
    if s.is_empty() { ".".into() } else { s }
}

fn steps(path: &[Seg]) -> impl Iterator<Item = load::Step<'_>> {
    path.iter().map(|seg| match seg {
        Seg::Key(key) => load::Step::Key(key),
        Seg::Index(i) => load::Step::Index(*i),
    })
}

fn with(path: &[Seg], seg: Seg) -> Vec<Seg> {
    let mut p = path.to_vec();
    p.push(seg);
    p
}

/// The shape of one entry, recognised by its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Assignment,
    DelegatedGrant,
    Application,
    AccessGroup,
    ServicePrincipal,
    AppRole,
    Scope,
}

fn has(obj: &Map<String, Value>, key: &str) -> bool {
    obj.keys().any(|k| k.eq_ignore_ascii_case(key))
}

const SCOPE_LISTS: [&str; 3] = [
    "oauth2PermissionScopes",
    "oauth2Permissions",
    "publishedPermissionScopes",
];

fn classify(obj: &Map<String, Value>) -> Option<Shape> {
    if has(obj, "appRoleId") {
        Some(Shape::Assignment)
    } else if has(obj, "scope") && (has(obj, "consentType") || has(obj, "clientId")) {
        Some(Shape::DelegatedGrant)
    } else if has(obj, "requiredResourceAccess") {
        Some(Shape::Application)
    } else if has(obj, "resourceAppId") && has(obj, "resourceAccess") {
        Some(Shape::AccessGroup)
    } else if has(obj, "appRoles") || SCOPE_LISTS.iter().any(|k| has(obj, k)) {
        Some(Shape::ServicePrincipal)
    } else if has(obj, "allowedMemberTypes") && has(obj, "value") && has(obj, "id") {
        Some(Shape::AppRole)
    } else if has(obj, "value")
        && has(obj, "id")
        && (has(obj, "adminConsentDisplayName") || has(obj, "userConsentDisplayName") || has(obj, "type"))
    {
        Some(Shape::Scope)
    } else {
        None
    }
}

const SHAPES_HELP: &str = "expected app role assignments (appRoleId), oauth2PermissionGrants (scope, consentType), \
an application or manifest (requiredResourceAccess), a service principal (appRoles, oauth2PermissionScopes), \
or a list of appRoles or oauth2PermissionScopes entries";

const DEPTH_HINT: &str = "PowerShell's ConvertTo-Json cut the nesting (its default -Depth is 2): \
export again with `ConvertTo-Json -Depth 10`";

fn describe_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string \"{}\"", text::truncate(s, 60)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// True for the 8-4-4-4-12 hexadecimal form of a GUID.
pub fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// The text being parsed, for locating paths in errors and sources.
struct Doc<'t> {
    text: &'t str,
    origin: &'t str,
    line_starts: Vec<usize>,
}

type Obj = Map<String, Value>;

impl<'t> Doc<'t> {
    fn new(text: &'t str, origin: &'t str) -> Doc<'t> {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Doc {
            text,
            origin,
            line_starts,
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|s| *s <= offset);
        let start = self.line_starts[line.saturating_sub(1)];
        let column = self.text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line, column)
    }

    fn err(&self, path: &[Seg], message: impl Into<String>) -> GrantsError {
        // Locate the longest prefix that can be found (all of it in practice).
        let located = (0..=path.len())
            .rev()
            .find_map(|n| offset_of(self.text, &path[..n]))
            .map(|o| self.line_col(o));
        LoadError {
            origin: self.origin.to_string(),
            line: located.map(|l| l.0),
            column: located.map(|l| l.1),
            field: Some(path_string(path)).filter(|p| p != "."),
            message: message.into(),
        }
    }

    fn source(&self, export: ExportKind, entry: usize, path: &[Seg], offset: Option<usize>) -> GrantSource {
        let offset = offset.or_else(|| offset_of(self.text, path));
        GrantSource {
            origin: self.origin.to_string(),
            export,
            entry,
            path: path_string(path),
            line: offset.map(|o| self.line_col(o).0),
        }
    }

    /// The value of `key` (ignoring case), with the key as written.
    fn field<'v>(&self, obj: &'v Obj, path: &[Seg], key: &str) -> Result<Option<(&'v str, &'v Value)>, GrantsError> {
        let mut found: Option<(&'v str, &'v Value)> = None;
        for (k, v) in obj {
            if k.eq_ignore_ascii_case(key) {
                if let Some((first, _)) = found {
                    return Err(self.err(
                        &with(path, Seg::Key(k.clone())),
                        format!("both `{first}` and `{k}` are present; an entry may hold only one of them"),
                    ));
                }
                found = Some((k.as_str(), v));
            }
        }
        Ok(found)
    }

    /// An optional string field; null counts as absent.
    fn text_field(&self, obj: &Obj, path: &[Seg], key: &str) -> Result<Option<String>, GrantsError> {
        match self.field(obj, path, key)? {
            None | Some((_, Value::Null)) => Ok(None),
            Some((_, Value::String(s))) => Ok(Some(s.clone())),
            Some((k, v)) => Err(self.err(
                &with(path, Seg::Key(k.to_string())),
                format!("expected a string, found {}", describe_value(v)),
            )),
        }
    }

    /// An optional GUID field, lower-cased.
    fn guid_field(&self, obj: &Obj, path: &[Seg], key: &str) -> Result<Option<String>, GrantsError> {
        match self.field(obj, path, key)? {
            None | Some((_, Value::Null)) => Ok(None),
            Some((_, Value::String(s))) if is_guid(s.trim()) => Ok(Some(s.trim().to_ascii_lowercase())),
            Some((k, v)) => Err(self.err(
                &with(path, Seg::Key(k.to_string())),
                format!(
                    "expected a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), found {}",
                    describe_value(v)
                ),
            )),
        }
    }

    /// A claim (`value` of a role or scope, a scope word): one token, nothing a terminal would act on.
    fn claim(&self, path: &[Seg], claim: &str) -> Result<(), GrantsError> {
        if let Some((i, c, why)) = text::find_unsafe(claim) {
            return Err(self.err(
                path,
                format!("the claim contains {why} (U+{:04X}) at character {}", c as u32, i + 1),
            ));
        }
        if claim.chars().any(char::is_whitespace) || claim.is_empty() {
            return Err(self.err(path, format!("`{claim}` is not a single claim")));
        }
        Ok(())
    }

    fn missing(&self, path: &[Seg], key: &str, why: &str) -> GrantsError {
        self.err(path, format!("missing `{key}`: {why}"))
    }

    fn object<'v>(&self, v: &'v Value, path: &[Seg], what: &str) -> Result<&'v Obj, GrantsError> {
        match v {
            Value::Object(o) => Ok(o),
            Value::String(s) if s.starts_with("Microsoft.Graph.") => Err(self.err(
                path,
                format!("{what} is the type name \"{}\": {DEPTH_HINT}", text::truncate(s, 80)),
            )),
            other => Err(self.err(
                path,
                format!("expected {what} as an object, found {}", describe_value(other)),
            )),
        }
    }

    /// An array field; a string where an array belongs means ConvertTo-Json cut the nesting.
    fn array_field<'v>(
        &self,
        obj: &'v Obj,
        path: &[Seg],
        key: &str,
    ) -> Result<Option<(String, &'v Vec<Value>)>, GrantsError> {
        match self.field(obj, path, key)? {
            None | Some((_, Value::Null)) => Ok(None),
            Some((k, Value::Array(a))) => Ok(Some((k.to_string(), a))),
            Some((k, Value::String(s))) if s.contains("Microsoft.Graph.") || s.contains("System.") => Err(self.err(
                &with(path, Seg::Key(k.to_string())),
                format!("`{k}` holds the text \"{}\": {DEPTH_HINT}", text::truncate(s, 80)),
            )),
            Some((k, v)) => Err(self.err(
                &with(path, Seg::Key(k.to_string())),
                format!("expected an array, found {}", describe_value(v)),
            )),
        }
    }

    // ---- the whole document

    fn export(&self, value: &Value) -> Result<Export, GrantsError> {
        // Find the list of entries: an envelope's `value`, a bare array, or one object.
        let (items, list_path): (Vec<&Value>, Option<Vec<Seg>>) = match value {
            Value::Array(a) => (a.iter().collect(), Some(Vec::new())),
            Value::Object(o) => {
                let envelope = match self.field(o, &[], "value")? {
                    Some((k, Value::Array(a))) if classify(o).is_none() || has(o, "@odata.context") => {
                        Some((k.to_string(), a))
                    }
                    _ => None,
                };
                match envelope {
                    Some((k, a)) => (a.iter().collect(), Some(vec![Seg::Key(k)])),
                    None => (vec![value], None),
                }
            }
            other => {
                return Err(self.err(
                    &[],
                    format!("expected a JSON object or array, found {}", describe_value(other)),
                ));
            }
        };
        let mut out = Export {
            origin: self.origin.to_string(),
            kind: ExportKind::Empty,
            grants: Vec::new(),
            catalogs: Vec::new(),
        };
        if items.is_empty() {
            return Ok(out);
        }
        // Entry paths and where each entry starts (one pass over the list).
        let offsets: Vec<usize> = match &list_path {
            Some(p) => offset_of(self.text, p).map_or_else(Vec::new, |o| element_offsets(self.text, o)),
            None => offset_of(self.text, &[]).into_iter().collect(),
        };
        let entry_path = |i: usize| match &list_path {
            Some(p) => with(p, Seg::Index(i)),
            None => Vec::new(),
        };
        let first = self.object(items[0], &entry_path(0), "an entry")?;
        let Some(shape) = classify(first) else {
            return Err(self.err(&entry_path(0), format!("not a recognised export: {SHAPES_HELP}")));
        };
        out.kind = match shape {
            Shape::Assignment => ExportKind::AppRoleAssignments,
            Shape::DelegatedGrant => ExportKind::DelegatedGrants,
            Shape::Application | Shape::AccessGroup => ExportKind::RequiredResourceAccess,
            Shape::ServicePrincipal => ExportKind::ServicePrincipals,
            Shape::AppRole => ExportKind::AppRoles,
            Shape::Scope => ExportKind::PermissionScopes,
        };
        let mut bare = CatalogEntries {
            origin: self.origin.to_string(),
            resource_app_id: None,
            resource_name: None,
            object_id: None,
            entries: Vec::new(),
        };
        for (i, item) in items.iter().enumerate() {
            let path = entry_path(i);
            let obj = self.object(item, &path, "an entry")?;
            let at = offsets.get(i).copied();
            match shape {
                Shape::Assignment => out.grants.push(self.assignment(obj, &path, i, at)?),
                Shape::DelegatedGrant => self.delegated(obj, &path, i, at, &mut out.grants)?,
                Shape::Application => self.application(obj, &path, i, &mut out.grants)?,
                Shape::AccessGroup => self.access_group(obj, &path, i, None, &mut out.grants)?,
                Shape::ServicePrincipal => out.catalogs.push(self.service_principal(obj, &path)?),
                Shape::AppRole => bare.entries.extend(self.app_role(obj, &path)?),
                Shape::Scope => bare.entries.extend(self.scope(obj, &path)?),
            }
        }
        if matches!(shape, Shape::AppRole | Shape::Scope) {
            out.catalogs.push(bare);
        }
        Ok(out)
    }

    // ---- grants

    fn assignment(&self, obj: &Obj, path: &[Seg], entry: usize, at: Option<usize>) -> Result<Grant, GrantsError> {
        let id = self
            .guid_field(obj, path, "appRoleId")?
            .ok_or_else(|| self.missing(path, "appRoleId", "an app role assignment names its role by GUID"))?;
        let resource = ResourceRef {
            app_id: None,
            display_name: self.text_field(obj, path, "resourceDisplayName")?,
            object_id: self.guid_field(obj, path, "resourceId")?,
        };
        if resource.display_name.is_none() && resource.object_id.is_none() {
            return Err(self.missing(
                path,
                "resourceDisplayName",
                "the assignment names no resource (neither resourceDisplayName nor resourceId)",
            ));
        }
        Ok(Grant {
            resource,
            kind: PermissionKind::Application,
            id: Some(id),
            name: None,
            principal: Some(Principal {
                id: self.guid_field(obj, path, "principalId")?,
                display_name: self.text_field(obj, path, "principalDisplayName")?,
                kind: self.text_field(obj, path, "principalType")?,
            }),
            consent: None,
            source: self.source(ExportKind::AppRoleAssignments, entry, path, at),
        })
    }

    fn delegated(
        &self,
        obj: &Obj,
        path: &[Seg],
        entry: usize,
        at: Option<usize>,
        out: &mut Vec<Grant>,
    ) -> Result<(), GrantsError> {
        let scope = self
            .text_field(obj, path, "scope")?
            .ok_or_else(|| self.missing(path, "scope", "a delegated grant lists its scopes"))?;
        let consent = match self.text_field(obj, path, "consentType")? {
            None => None,
            Some(c) if c.eq_ignore_ascii_case("AllPrincipals") => Some(Consent::AllPrincipals),
            Some(c) if c.eq_ignore_ascii_case("Principal") => Some(Consent::Principal {
                user: self.guid_field(obj, path, "principalId")?,
            }),
            Some(c) => Some(Consent::Other(c)),
        };
        let resource = ResourceRef {
            app_id: None,
            display_name: self.text_field(obj, path, "resourceDisplayName")?,
            object_id: self.guid_field(obj, path, "resourceId")?,
        };
        let principal = Principal {
            id: self.guid_field(obj, path, "clientId")?,
            display_name: None,
            kind: Some("ServicePrincipal".into()),
        };
        let scope_key = self
            .field(obj, path, "scope")?
            .map_or("scope".to_string(), |(k, _)| k.to_string());
        for word in scope.split_whitespace() {
            self.claim(&with(path, Seg::Key(scope_key.clone())), word)?;
            out.push(Grant {
                resource: resource.clone(),
                kind: PermissionKind::Delegated,
                id: None,
                name: Some(word.to_string()),
                principal: Some(principal.clone()),
                consent: consent.clone(),
                source: self.source(ExportKind::DelegatedGrants, entry, path, at),
            });
        }
        Ok(())
    }

    fn application(&self, obj: &Obj, path: &[Seg], entry: usize, out: &mut Vec<Grant>) -> Result<(), GrantsError> {
        // The portal's older manifest format calls the display name `name`.
        let display_name = match self.text_field(obj, path, "displayName")? {
            Some(n) => Some(n),
            None => self.text_field(obj, path, "name").ok().flatten(),
        };
        let principal = Principal {
            id: self.guid_field(obj, path, "appId")?,
            display_name,
            kind: Some("Application".into()),
        };
        let Some((key, groups)) = self.array_field(obj, path, "requiredResourceAccess")? else {
            return Ok(());
        };
        let list = with(path, Seg::Key(key));
        for (g, group) in groups.iter().enumerate() {
            let gpath = with(&list, Seg::Index(g));
            let gobj = self.object(group, &gpath, "a requiredResourceAccess entry")?;
            self.access_group(gobj, &gpath, entry, Some(&principal), out)?;
        }
        Ok(())
    }

    fn access_group(
        &self,
        obj: &Obj,
        path: &[Seg],
        entry: usize,
        principal: Option<&Principal>,
        out: &mut Vec<Grant>,
    ) -> Result<(), GrantsError> {
        let app_id = self.guid_field(obj, path, "resourceAppId")?.ok_or_else(|| {
            self.missing(
                path,
                "resourceAppId",
                "each requiredResourceAccess entry names its resource",
            )
        })?;
        let (key, access) = self.array_field(obj, path, "resourceAccess")?.ok_or_else(|| {
            self.missing(
                path,
                "resourceAccess",
                "each requiredResourceAccess entry lists its permissions",
            )
        })?;
        let list = with(path, Seg::Key(key));
        let offsets = offset_of(self.text, &list).map_or_else(Vec::new, |o| element_offsets(self.text, o));
        for (j, a) in access.iter().enumerate() {
            let apath = with(&list, Seg::Index(j));
            let aobj = self.object(a, &apath, "a resourceAccess entry")?;
            let id = self
                .guid_field(aobj, &apath, "id")?
                .ok_or_else(|| self.missing(&apath, "id", "each resourceAccess entry names a permission by GUID"))?;
            let kind = match self.text_field(aobj, &apath, "type")? {
                Some(t) if t.eq_ignore_ascii_case("Role") => PermissionKind::Application,
                Some(t) if t.eq_ignore_ascii_case("Scope") => PermissionKind::Delegated,
                Some(t) => {
                    let k = self
                        .field(aobj, &apath, "type")?
                        .map_or("type".into(), |(k, _)| k.to_string());
                    return Err(self.err(
                        &with(&apath, Seg::Key(k)),
                        format!("`{t}` is not a resourceAccess type: use Role (application) or Scope (delegated)"),
                    ));
                }
                None => {
                    return Err(self.missing(&apath, "type", "Role (application) or Scope (delegated)"));
                }
            };
            out.push(Grant {
                resource: ResourceRef {
                    app_id: Some(app_id.clone()),
                    display_name: None,
                    object_id: None,
                },
                kind,
                id: Some(id),
                name: None,
                principal: principal.cloned(),
                consent: None,
                source: self.source(
                    ExportKind::RequiredResourceAccess,
                    entry,
                    &apath,
                    offsets.get(j).copied(),
                ),
            });
        }
        Ok(())
    }

    // ---- catalogs

    fn service_principal(&self, obj: &Obj, path: &[Seg]) -> Result<CatalogEntries, GrantsError> {
        let mut entries = Vec::new();
        if let Some((key, roles)) = self.array_field(obj, path, "appRoles")? {
            let list = with(path, Seg::Key(key));
            for (i, r) in roles.iter().enumerate() {
                let rpath = with(&list, Seg::Index(i));
                entries.extend(self.app_role(self.object(r, &rpath, "an app role")?, &rpath)?);
            }
        }
        for name in SCOPE_LISTS {
            if let Some((key, scopes)) = self.array_field(obj, path, name)? {
                let list = with(path, Seg::Key(key));
                for (i, s) in scopes.iter().enumerate() {
                    let spath = with(&list, Seg::Index(i));
                    entries.extend(self.scope(self.object(s, &spath, "a scope")?, &spath)?);
                }
            }
        }
        Ok(CatalogEntries {
            origin: self.origin.to_string(),
            resource_app_id: self.guid_field(obj, path, "appId")?,
            resource_name: self.text_field(obj, path, "displayName")?,
            object_id: self.guid_field(obj, path, "id")?,
            entries,
        })
    }

    /// The GUID (required: `needs_id` says why) and checked claim of an app
    /// role or scope definition; `None` when it has no claim.
    fn definition(&self, obj: &Obj, path: &[Seg], needs_id: &str) -> Result<Option<(String, String)>, GrantsError> {
        let id = self
            .guid_field(obj, path, "id")?
            .ok_or_else(|| self.missing(path, "id", needs_id))?;
        let Some(value) = self.text_field(obj, path, "value")? else {
            return Ok(None);
        };
        let value_key = self
            .field(obj, path, "value")?
            .map_or("value".into(), |(k, _)| k.to_string());
        self.claim(&with(path, Seg::Key(value_key)), &value)?;
        Ok(Some((id, value)))
    }

    /// An app role definition; `None` for roles with no claim or that only users can hold.
    fn app_role(&self, obj: &Obj, path: &[Seg]) -> Result<Option<CatalogEntry>, GrantsError> {
        let Some((id, value)) = self.definition(obj, path, "an app role has a GUID")? else {
            return Ok(None);
        };
        // Roles only users or groups can hold are not application permissions.
        let members: Option<Vec<String>> = match self.field(obj, path, "allowedMemberTypes")? {
            Some((_, Value::Array(a))) => Some(a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()),
            Some((_, Value::String(s))) => Some(s.split_whitespace().map(str::to_string).collect()),
            _ => None,
        };
        if let Some(m) = members
            && !m.is_empty()
            && !m.iter().any(|t| t.eq_ignore_ascii_case("Application"))
        {
            return Ok(None);
        }
        Ok(Some(CatalogEntry {
            kind: PermissionKind::Application,
            name: value,
            fact: PermissionFact {
                id,
                admin_consent: Some(true),
                display_name: self
                    .text_field(obj, path, "displayName")?
                    .filter(|d| text::find_unsafe(d).is_none()),
            },
        }))
    }

    /// A delegated scope definition; `None` for a scope with no claim.
    fn scope(&self, obj: &Obj, path: &[Seg]) -> Result<Option<CatalogEntry>, GrantsError> {
        let Some((id, value)) = self.definition(obj, path, "a scope has a GUID")? else {
            return Ok(None);
        };
        let admin_consent = match self.text_field(obj, path, "type")? {
            Some(t) if t.eq_ignore_ascii_case("Admin") => Some(true),
            Some(t) if t.eq_ignore_ascii_case("User") => Some(false),
            _ => None,
        };
        Ok(Some(CatalogEntry {
            kind: PermissionKind::Delegated,
            name: value,
            fact: PermissionFact {
                id,
                admin_consent,
                display_name: self
                    .text_field(obj, path, "adminConsentDisplayName")?
                    .filter(|d| text::find_unsafe(d).is_none()),
            },
        }))
    }
}

// ------------------------------------------------------------------ locating paths in the text

/// Byte offset of the value at `path` in valid JSON text.
fn offset_of(text: &str, path: &[Seg]) -> Option<usize> {
    load::json_offset(text, steps(path))
}

/// Byte offsets of every element of the array starting at `at`.
fn element_offsets(text: &str, at: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if b.get(at) != Some(&b'[') {
        return out;
    }
    let mut pos = skip_ws(b, at + 1);
    if b.get(pos) == Some(&b']') {
        return out;
    }
    loop {
        out.push(pos);
        match skip_value(b, pos) {
            Some(end) => pos = skip_ws(b, end),
            None => return out,
        }
        if b.get(pos) != Some(&b',') {
            return out;
        }
        pos = skip_ws(b, pos + 1);
    }
}

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
) -> Result<usize, GrantsError> {
    let given = match resource {
        None => None,
        Some(r) => match catalog.api_index(r) {
            Some(i) => Some(catalog.apis[i].app_id.clone()),
            None if is_guid(r.trim()) => Some(r.trim().to_ascii_lowercase()),
            None => {
                let known: Vec<&str> = catalog.apis.iter().map(|a| a.name.as_str()).collect();
                return Err(LoadError::file(
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
            return Err(LoadError::file(
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
        catalog.facts.insert(&app_id, e.kind, &e.name, e.fact.clone());
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
                let ws = words.get(&(g.source.origin.as_str(), g.source.entry))?;
                let api = infer_api(catalog, ws)?;
                notes.push(format!(
                    "resource inferred from the scope names: the export names it only by {}",
                    g.resource.label()
                ));
                Some(api)
            });
        let app_id = api
            .map(|i| catalog.apis[i].app_id.clone())
            .or_else(|| g.resource.app_id.clone());
        let (permission, id) = match (&g.name, &g.id) {
            (Some(name), id) => {
                let fact_id = app_id
                    .as_deref()
                    .and_then(|a| catalog.facts.get(a, g.kind, name).map(|f| f.id.clone()));
                (Some(name.clone()), id.clone().or(fact_id))
            }
            (None, Some(id)) => {
                let name = app_id
                    .as_deref()
                    .and_then(|a| catalog.facts.name_of(a, g.kind, id).map(str::to_string));
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

/// The one API whose delegated scopes include the most of `words` (at least one).
fn infer_api(catalog: &Catalog, words: &[&str]) -> Option<usize> {
    let scores: Vec<usize> = catalog
        .apis
        .iter()
        .map(|a| {
            words
                .iter()
                .filter(|w| {
                    catalog.facts.get(&a.app_id, PermissionKind::Delegated, w).is_some()
                        || catalog
                            .facts
                            .spelled_differently(&a.app_id, PermissionKind::Delegated, w)
                            .is_some()
                })
                .count()
        })
        .collect();
    let best = *scores.iter().max()?;
    if best == 0 || scores.iter().filter(|s| **s == best).count() != 1 {
        return None;
    }
    scores.iter().position(|s| *s == best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        assert!(is_guid("00000003-0000-0000-c000-000000000000"));
        assert!(is_guid("19DBC75E-C2E2-444C-A770-EC69D8559FC7"));
        assert!(!is_guid("19dbc75e-c2e2-444c-a770-ec69d8559fc"));
        assert!(!is_guid("19dbc75e_c2e2-444c-a770-ec69d8559fc7"));
        assert!(!is_guid("{19dbc75e-c2e2-444c-a770-ec69d8559fc}"));
    }

    #[test]
    fn offsets_of_nested_paths_and_elements() {
        let t = "{\n \"value\": [\n  {\"a\": \"]\"},\n  {\"b\": [1, 2]}\n ]\n}";
        let at = offset_of(t, &[Seg::Key("value".into())]).expect("found");
        let els = element_offsets(t, at);
        assert_eq!(els.len(), 2);
        let doc = Doc::new(t, "x");
        assert_eq!(doc.line_col(els[0]), (3, 3));
        assert_eq!(doc.line_col(els[1]), (4, 3));
        assert_eq!(offset_of(t, &[Seg::Key("nope".into())]), None);
    }

    #[test]
    fn decodes_utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for u in "[{\"a\": \"é\"}]".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&bytes, "x").as_deref(), Ok("[{\"a\": \"é\"}]"));
        assert_eq!(decode(b"\xef\xbb\xbf[]", "x").as_deref(), Ok("[]"));
        assert!(decode(b"\xff\xfe\x00", "x").is_err());
        assert!(decode(b"[\"\xc3\"]", "x").is_err());
    }
}
