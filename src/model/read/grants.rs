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

use crate::model::microsoft::MicrosoftPermission;
use crate::model::permission::PermissionKind;
use crate::model::read::json::{self, Fault, LineIndex, Step};
use crate::model::read::{ReadError, file};
use crate::model::text;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use std::path::Path;

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
    pub fact: MicrosoftPermission,
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

/// Reads and parses an export file; see [`read_export`].
pub fn read_export_file(path: &Path) -> Result<Export, ReadError> {
    let text = file::read_json_text(path)?;
    read_export(&text, &path.display().to_string())
}

// ------------------------------------------------------------------ parsing

/// Parses an export, recognising its shape (envelope, bare array or single
/// object; camelCase or PascalCase) and what it holds. `origin` names the file in errors.
pub fn read_export(text: &str, origin: &str) -> Result<Export, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = json::parse(text, origin)?;
    Doc::new(text, origin).export(&value)
}

/// One step of a JSON path, with keys as the file spells them.
type Seg = Step<'static>;

fn seg_key(k: &str) -> Seg {
    Step::Key(Cow::Owned(k.to_string()))
}

fn path_string(path: &[Seg]) -> String {
    let s = json::path_text(path);
    if s.is_empty() { ".".into() } else { s }
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
    lines: LineIndex<'t>,
}

type Obj = Map<String, Value>;

impl<'t> Doc<'t> {
    fn new(text: &'t str, origin: &'t str) -> Doc<'t> {
        Doc {
            text,
            origin,
            lines: LineIndex::new(text),
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_column(offset)
    }

    fn err(&self, path: &[Seg], message: impl Into<String>) -> ReadError {
        Fault::new(path.to_vec(), message).locate(self.text, self.origin)
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
    fn field<'v>(&self, obj: &'v Obj, path: &[Seg], key: &str) -> Result<Option<(&'v str, &'v Value)>, ReadError> {
        let mut found: Option<(&'v str, &'v Value)> = None;
        for (k, v) in obj {
            if k.eq_ignore_ascii_case(key) {
                if let Some((first, _)) = found {
                    return Err(self.err(
                        &with(path, seg_key(k)),
                        format!("both `{first}` and `{k}` are present; an entry may hold only one of them"),
                    ));
                }
                found = Some((k.as_str(), v));
            }
        }
        Ok(found)
    }

    /// An optional string field; null counts as absent.
    fn text_field(&self, obj: &Obj, path: &[Seg], key: &str) -> Result<Option<String>, ReadError> {
        match self.field(obj, path, key)? {
            None | Some((_, Value::Null)) => Ok(None),
            Some((_, Value::String(s))) => Ok(Some(s.clone())),
            Some((k, v)) => Err(self.err(
                &with(path, seg_key(k)),
                format!("expected a string, found {}", describe_value(v)),
            )),
        }
    }

    /// An optional GUID field, lower-cased.
    fn guid_field(&self, obj: &Obj, path: &[Seg], key: &str) -> Result<Option<String>, ReadError> {
        match self.field(obj, path, key)? {
            None | Some((_, Value::Null)) => Ok(None),
            Some((_, Value::String(s))) if is_guid(s.trim()) => Ok(Some(s.trim().to_ascii_lowercase())),
            Some((k, v)) => Err(self.err(
                &with(path, seg_key(k)),
                format!(
                    "expected a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), found {}",
                    describe_value(v)
                ),
            )),
        }
    }

    /// A claim (`value` of a role or scope, a scope word): one token, nothing a terminal would act on.
    fn claim(&self, path: &[Seg], claim: &str) -> Result<(), ReadError> {
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

    fn missing(&self, path: &[Seg], key: &str, why: &str) -> ReadError {
        self.err(path, format!("missing `{key}`: {why}"))
    }

    fn object<'v>(&self, v: &'v Value, path: &[Seg], what: &str) -> Result<&'v Obj, ReadError> {
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
    ) -> Result<Option<(String, &'v Vec<Value>)>, ReadError> {
        match self.field(obj, path, key)? {
            None | Some((_, Value::Null)) => Ok(None),
            Some((k, Value::Array(a))) => Ok(Some((k.to_string(), a))),
            Some((k, Value::String(s))) if s.contains("Microsoft.Graph.") || s.contains("System.") => Err(self.err(
                &with(path, seg_key(k)),
                format!("`{k}` holds the text \"{}\": {DEPTH_HINT}", text::truncate(s, 80)),
            )),
            Some((k, v)) => Err(self.err(
                &with(path, seg_key(k)),
                format!("expected an array, found {}", describe_value(v)),
            )),
        }
    }

    // ---- the whole document

    fn export(&self, value: &Value) -> Result<Export, ReadError> {
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
                    Some((k, a)) => (a.iter().collect(), Some(vec![seg_key(&k)])),
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
            Some(p) => offset_of(self.text, p).map_or_else(Vec::new, |o| json::element_offsets(self.text, o)),
            None => offset_of(self.text, &[]).into_iter().collect(),
        };
        let entry_path = |i: usize| match &list_path {
            Some(p) => with(p, Step::Index(i)),
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

    fn assignment(&self, obj: &Obj, path: &[Seg], entry: usize, at: Option<usize>) -> Result<Grant, ReadError> {
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
    ) -> Result<(), ReadError> {
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
            self.claim(&with(path, seg_key(&scope_key)), word)?;
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

    fn application(&self, obj: &Obj, path: &[Seg], entry: usize, out: &mut Vec<Grant>) -> Result<(), ReadError> {
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
        let list = with(path, seg_key(&key));
        for (g, group) in groups.iter().enumerate() {
            let gpath = with(&list, Step::Index(g));
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
    ) -> Result<(), ReadError> {
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
        let list = with(path, seg_key(&key));
        let offsets = offset_of(self.text, &list).map_or_else(Vec::new, |o| json::element_offsets(self.text, o));
        for (j, a) in access.iter().enumerate() {
            let apath = with(&list, Step::Index(j));
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
                        &with(&apath, seg_key(&k)),
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

    fn service_principal(&self, obj: &Obj, path: &[Seg]) -> Result<CatalogEntries, ReadError> {
        let mut entries = Vec::new();
        if let Some((key, roles)) = self.array_field(obj, path, "appRoles")? {
            let list = with(path, seg_key(&key));
            for (i, r) in roles.iter().enumerate() {
                let rpath = with(&list, Step::Index(i));
                entries.extend(self.app_role(self.object(r, &rpath, "an app role")?, &rpath)?);
            }
        }
        for name in SCOPE_LISTS {
            if let Some((key, scopes)) = self.array_field(obj, path, name)? {
                let list = with(path, seg_key(&key));
                for (i, s) in scopes.iter().enumerate() {
                    let spath = with(&list, Step::Index(i));
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
    fn definition(&self, obj: &Obj, path: &[Seg], needs_id: &str) -> Result<Option<(String, String)>, ReadError> {
        let id = self
            .guid_field(obj, path, "id")?
            .ok_or_else(|| self.missing(path, "id", needs_id))?;
        let Some(value) = self.text_field(obj, path, "value")? else {
            return Ok(None);
        };
        let value_key = self
            .field(obj, path, "value")?
            .map_or("value".into(), |(k, _)| k.to_string());
        self.claim(&with(path, seg_key(&value_key)), &value)?;
        Ok(Some((id, value)))
    }

    /// An app role definition; `None` for roles with no claim or that only users can hold.
    fn app_role(&self, obj: &Obj, path: &[Seg]) -> Result<Option<CatalogEntry>, ReadError> {
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
            fact: MicrosoftPermission {
                admin_consent: Some(true),
                display_name: self
                    .text_field(obj, path, "displayName")?
                    .filter(|d| text::find_unsafe(d).is_none())
                    .map(Cow::Owned),
                ..MicrosoftPermission::new(&id)
            },
        }))
    }

    /// A delegated scope definition; `None` for a scope with no claim.
    fn scope(&self, obj: &Obj, path: &[Seg]) -> Result<Option<CatalogEntry>, ReadError> {
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
            fact: MicrosoftPermission {
                admin_consent,
                display_name: self
                    .text_field(obj, path, "adminConsentDisplayName")?
                    .filter(|d| text::find_unsafe(d).is_none())
                    .map(Cow::Owned),
                ..MicrosoftPermission::new(&id)
            },
        }))
    }
}

// ------------------------------------------------------------------ locating paths in the text

/// Byte offset of the value at `path` in valid JSON text.
fn offset_of(text: &str, path: &[Seg]) -> Option<usize> {
    json::value_offset(text, path)
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
        let at = offset_of(t, &[seg_key("value")]).expect("found");
        let els = json::element_offsets(t, at);
        assert_eq!(els.len(), 2);
        let doc = Doc::new(t, "x");
        assert_eq!(doc.line_col(els[0]), (3, 3));
        assert_eq!(doc.line_col(els[1]), (4, 3));
        assert_eq!(offset_of(t, &[seg_key("nope")]), None);
    }
}
