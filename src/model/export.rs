//! A selection as text an admin pastes: claim names, scope strings, JSON,
//! CSV, Markdown, a PowerShell script, Azure CLI commands, an app manifest.
//!
//! Every format is byte-exact and deterministic: the selection's order
//! (resource, kind, name) is the output order. Text from data files is
//! neutralised and then escaped for the target language; identifiers that
//! reach a script unquoted are only ever GUID-like tokens.
//!
//! Nothing is dropped silently. A blank claim cannot be granted and is skipped
//! with a warning. A permission with no GUID in permscope's catalog is named in
//! a comment where the format has comments (PowerShell, shell, Markdown notes),
//! listed with an empty or null id where it is a data format (JSON, CSV), and
//! always reported in [`Export::warnings`].

use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::facts::PermissionFact;
use crate::model::level::RiskLevel;
use crate::model::permission::{PermissionKey, PermissionKind};
use crate::model::product::Api;
use crate::model::selection::Selection;
use crate::model::text::neutralise;
use crate::model::text::{csv_field, md_code, md_text};
use serde::Serialize;
use std::collections::HashMap;

/// The resource app id of Microsoft Graph, whose scopes may be written bare.
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The shapes a selection can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// Claim names, one per line.
    Names,
    /// Delegated scopes as an OAuth scope string, one line per resource.
    Scopes,
    /// An array of permission objects.
    Json,
    /// CSV with a header (RFC 4180 quoting).
    Csv,
    /// A Markdown table with risk.
    Markdown,
    /// A PowerShell script (Microsoft Graph SDK) that grants the application permissions.
    Powershell,
    /// `az ad app permission add` commands, one per resource.
    Azcli,
    /// An app manifest's `requiredResourceAccess`.
    Manifest,
}

impl ExportFormat {
    /// Every format, in the order a picker shows them.
    pub const ALL: [ExportFormat; 8] = [
        ExportFormat::Names,
        ExportFormat::Scopes,
        ExportFormat::Json,
        ExportFormat::Csv,
        ExportFormat::Markdown,
        ExportFormat::Powershell,
        ExportFormat::Azcli,
        ExportFormat::Manifest,
    ];

    /// Name as the command line spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Names => "names",
            ExportFormat::Scopes => "scopes",
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Markdown => "markdown",
            ExportFormat::Powershell => "powershell",
            ExportFormat::Azcli => "azcli",
            ExportFormat::Manifest => "manifest",
        }
    }

    /// What the format is, for a picker.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Names => "Claim names, one per line",
            ExportFormat::Scopes => "OAuth scope strings (delegated, per resource)",
            ExportFormat::Json => "JSON array",
            ExportFormat::Csv => "CSV",
            ExportFormat::Markdown => "Markdown table",
            ExportFormat::Powershell => "PowerShell: Connect-MgGraph and app role grants",
            ExportFormat::Azcli => "Azure CLI: az ad app permission add",
            ExportFormat::Manifest => "App manifest requiredResourceAccess",
        }
    }

    /// Usual file extension (without the dot) for saving the text.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Names | ExportFormat::Scopes => "txt",
            ExportFormat::Json | ExportFormat::Manifest => "json",
            ExportFormat::Csv => "csv",
            ExportFormat::Markdown => "md",
            ExportFormat::Powershell => "ps1",
            ExportFormat::Azcli => "sh",
        }
    }
}

impl Choice for ExportFormat {
    fn all() -> &'static [Self] {
        &ExportFormat::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn help(self) -> &'static str {
        self.label()
    }
    fn aliases(self) -> &'static [&'static str] {
        match self {
            ExportFormat::Markdown => &["md"],
            _ => &[],
        }
    }
}

/// The text of an export and what the reviewer should know about it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Export {
    /// The output, ending with a newline unless empty.
    pub text: String,
    /// Everything skipped or left incomplete, one sentence each.
    pub warnings: Vec<String>,
    /// Distinct permissions the text carries (for "Copied N permissions").
    pub count: usize,
}

/// Renders `selection` in `format`.
pub fn export(catalog: &Catalog, selection: &Selection, format: ExportFormat) -> Export {
    let mut warnings = Vec::new();
    let items = prepare(catalog, selection, &mut warnings);
    let (text, count) = match format {
        ExportFormat::Names => names(&items, &mut warnings),
        ExportFormat::Scopes => scopes(&items, &mut warnings),
        ExportFormat::Json => json(&items, &mut warnings),
        ExportFormat::Csv => csv(&items, &mut warnings),
        ExportFormat::Markdown => markdown(&items, &mut warnings),
        ExportFormat::Powershell => powershell(&items, &mut warnings),
        ExportFormat::Azcli => azcli(&items, &mut warnings),
        ExportFormat::Manifest => manifest(&items, &mut warnings),
    };
    if count == 0 && !selection.is_empty() && warnings.is_empty() {
        warnings.push("Nothing in the selection can be written in this format.".into());
    }
    if selection.is_empty() {
        warnings.push("The selection is empty.".into());
    }
    Export { text, warnings, count }
}

/// One exportable permission, with everything the formats need.
struct Item<'a> {
    kind: PermissionKind,
    api: &'a Api,
    /// Neutralised claim.
    name: String,
    /// Neutralised resource name.
    api_name: String,
    /// Neutralised resource short name.
    api_short: String,
    /// Neutralised resource app id.
    app_id: String,
    fact: Option<&'a PermissionFact>,
    level: RiskLevel,
    /// Slugs of every product asking for it, in catalog order.
    products: Vec<String>,
}

impl Item<'_> {
    /// The GUID, when the catalog knows it.
    fn id(&self) -> Option<&str> {
        self.fact.map(|f| f.id.as_str())
    }

    fn is_graph(&self) -> bool {
        self.api.app_id.eq_ignore_ascii_case(GRAPH_APP_ID)
    }

    /// "`Foo.Read` (Microsoft Graph, application)".
    fn describe(&self) -> String {
        format!("`{}` ({}, {})", self.name, self.api_name, self.kind)
    }
}

/// Where rows of one permission are, to rate it and name its products.
#[derive(Default)]
struct Seen {
    products: Vec<usize>,
    lines: Vec<(usize, u32)>,
    level: Option<RiskLevel>,
}

/// Resolves the selection against the catalog, skipping (with a warning)
/// what can never be exported.
fn prepare<'a>(catalog: &'a Catalog, selection: &Selection, warnings: &mut Vec<String>) -> Vec<Item<'a>> {
    let mut seen: HashMap<(usize, PermissionKind, &str), Seen> = HashMap::new();
    for (i, r) in catalog.requirements.iter().enumerate() {
        let s = seen.entry((r.api, r.kind, r.permission.as_str())).or_default();
        if !s.products.contains(&r.product) {
            s.products.push(r.product);
        }
        s.lines.push((r.product, r.line));
        let level = catalog.rating(i).level;
        s.level = Some(s.level.map_or(level, |l| l.max(level)));
    }
    let slug = |p: usize| {
        catalog
            .products
            .get(p)
            .map_or_else(|| format!("product #{p}"), |p| neutralise(&p.slug).into_owned())
    };
    let mut items = Vec::new();
    for key in selection {
        let PermissionKey { api, kind, name } = key;
        let Some(api_ref) = catalog.apis.get(*api) else {
            warnings.push(format!(
                "Skipped `{}` ({kind}): resource #{api} is not in the catalog.",
                neutralise(name)
            ));
            continue;
        };
        let s = seen.get(&(*api, *kind, name.as_str()));
        if name.is_empty() {
            let at: Vec<String> = s
                .map(|s| s.lines.iter().map(|(p, l)| format!("{} line {l}", slug(*p))).collect())
                .unwrap_or_default();
            let at = if at.is_empty() {
                String::new()
            } else {
                format!(" ({})", at.join(", "))
            };
            warnings.push(format!(
                "Skipped a blank permission on {} ({kind}): the vendor's table leaves the claim cell empty{at}, so there is nothing to grant.",
                neutralise(&api_ref.name)
            ));
            continue;
        }
        if name.chars().any(char::is_whitespace) {
            warnings.push(format!(
                "Skipped `{}` ({}, {kind}): a claim has no spaces, so this is not one.",
                neutralise(name),
                neutralise(&api_ref.name)
            ));
            continue;
        }
        items.push(Item {
            kind: *kind,
            api: api_ref,
            name: neutralise(name).into_owned(),
            api_name: neutralise(&api_ref.name).into_owned(),
            api_short: neutralise(&api_ref.short).into_owned(),
            app_id: neutralise(&api_ref.app_id).into_owned(),
            fact: catalog.facts.get(&api_ref.app_id, *kind, name),
            level: s.and_then(|s| s.level).unwrap_or(RiskLevel::Unknown),
            products: s
                .map(|s| s.products.iter().map(|&p| slug(p)).collect())
                .unwrap_or_default(),
        });
    }
    items
}

fn no_guid(item: &Item, consequence: &str) -> String {
    format!(
        "No GUID known for {}: it is not in permscope's permission catalog, so {consequence}.",
        item.describe()
    )
}

/// Consecutive items on the same resource (items are in resource order).
fn by_resource<'i, 'a>(items: &'i [&'i Item<'a>]) -> Vec<&'i [&'i Item<'a>]> {
    items.chunk_by(|a, b| std::ptr::eq(a.api, b.api)).collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------- names

fn names(items: &[Item], warnings: &mut Vec<String>) -> (String, usize) {
    // One line per distinct permission: a name used on two resources or kinds
    // appears once per key, so the count matches the selection, and nothing
    // is added to the line (it is pasted as it is).
    let mut out = String::new();
    let mut repeated: Vec<&str> = Vec::new();
    for (n, item) in items.iter().enumerate() {
        out.push_str(&item.name);
        out.push('\n');
        if items[..n].iter().any(|earlier| earlier.name == item.name) && !repeated.contains(&item.name.as_str()) {
            repeated.push(&item.name);
        }
    }
    for name in repeated {
        let on: Vec<String> = items
            .iter()
            .filter(|i| i.name == name)
            .map(|i| format!("{} {}", i.api_short, i.kind))
            .collect();
        warnings.push(format!(
            "`{name}` is listed {} times, once per permission ({}): a name alone does not say which resource or kind it is.",
            on.len(),
            on.join(", ")
        ));
    }
    (out, items.len())
}

// ---------------------------------------------------------------- scopes

fn scopes(items: &[Item], warnings: &mut Vec<String>) -> (String, usize) {
    let delegated: Vec<&Item> = items.iter().filter(|i| i.kind == PermissionKind::Delegated).collect();
    let application: Vec<&Item> = items.iter().filter(|i| i.kind == PermissionKind::Application).collect();
    let mut out = String::new();
    let groups = by_resource(&delegated);
    for group in &groups {
        let line: Vec<String> = group
            .iter()
            .map(|i| {
                if i.is_graph() {
                    i.name.clone()
                } else {
                    format!("{}/{}", i.app_id, i.name)
                }
            })
            .collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    if groups.len() > 1 {
        warnings.push(format!(
            "Scopes for {} resources, one line each: a token request asks for one resource at a time.",
            groups.len()
        ));
    }
    if !application.is_empty() {
        let list: Vec<String> = application
            .iter()
            .map(|i| format!("{} ({})", i.name, i.api_short))
            .collect();
        warnings.push(format!(
            "{} left out of the scope string (they are not OAuth scopes): {}.",
            plural(application.len(), "application permission", "application permissions"),
            list.join(", ")
        ));
    }
    if delegated.is_empty() && !items.is_empty() {
        warnings.push("No delegated scopes in the selection.".into());
    }
    (out, delegated.len())
}

// ---------------------------------------------------------------- json

#[derive(Serialize)]
struct JsonRow<'a> {
    api: &'a str,
    api_app_id: &'a str,
    permission: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    id: Option<&'a str>,
    admin_consent: Option<bool>,
    risk: &'static str,
    products: &'a [String],
}

fn json(items: &[Item], warnings: &mut Vec<String>) -> (String, usize) {
    let rows: Vec<JsonRow> = items
        .iter()
        .map(|i| {
            if i.fact.is_none() {
                warnings.push(no_guid(i, "it is listed with \"id\": null"));
            }
            JsonRow {
                api: &i.api_name,
                api_app_id: &i.app_id,
                permission: &i.name,
                kind: i.kind.as_str(),
                id: i.id(),
                admin_consent: i.fact.and_then(|f| f.admin_consent),
                risk: i.level.as_str(),
                products: &i.products,
            }
        })
        .collect();
    let mut text = crate::model::text::json_pretty(&rows);
    text.push('\n');
    (text, items.len())
}

// ---------------------------------------------------------------- csv

fn consent_text(fact: Option<&PermissionFact>) -> &'static str {
    match fact.and_then(|f| f.admin_consent) {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn csv(items: &[Item], warnings: &mut Vec<String>) -> (String, usize) {
    let mut out = String::from("api,permission,type,id,admin_consent,risk,products\n");
    for i in items {
        if i.fact.is_none() {
            warnings.push(no_guid(i, "its id column is empty"));
        }
        let admin = match i.fact.and_then(|f| f.admin_consent) {
            Some(b) => b.to_string(),
            None => String::new(),
        };
        let fields = [
            i.api_name.as_str(),
            i.name.as_str(),
            i.kind.as_str(),
            i.id().unwrap_or(""),
            admin.as_str(),
            i.level.as_str(),
            &i.products.join(" "),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    (out, items.len())
}

// ---------------------------------------------------------------- markdown

fn markdown(items: &[Item], warnings: &mut Vec<String>) -> (String, usize) {
    let mut out = String::from(
        "| Risk | Permission | API | Type | ID | Admin consent | Products |\n|---|---|---|---|---|---|---|\n",
    );
    let mut unknown = Vec::new();
    for i in items {
        let id = match i.id() {
            Some(id) => md_code(id),
            None => {
                warnings.push(no_guid(i, "its ID cell says so"));
                unknown.push(format!("{} ({}, {})", md_code(&i.name), md_text(&i.api_short), i.kind));
                "not in catalog".to_string()
            }
        };
        let consent = match consent_text(i.fact) {
            "" => "?",
            s => s,
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            i.level.badge(),
            md_code(&i.name),
            md_text(&i.api_short),
            i.kind,
            id,
            consent,
            md_text(&i.products.join(", ")),
        ));
    }
    if !unknown.is_empty() {
        out.push_str(&format!(
            "\nNo GUID known (not in permscope's permission catalog): {}.\n",
            unknown.join(", ")
        ));
    }
    (out, items.len())
}

// ---------------------------------------------------------------- powershell

/// True for tokens that need no quoting in PowerShell or a POSIX shell.
fn is_plain(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A PowerShell string literal. Plain tokens go in double quotes (as Microsoft
/// documents scopes); anything else in single quotes, where nothing expands and
/// only quote characters need doubling (PowerShell treats the typographic single
/// quotes as quotes too).
fn ps_quote(s: &str) -> String {
    if is_plain(s) {
        return format!("\"{s}\"");
    }
    let mut out = String::from("'");
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

fn powershell(items: &[Item], warnings: &mut Vec<String>) -> (String, usize) {
    let delegated: Vec<&Item> = items.iter().filter(|i| i.kind == PermissionKind::Delegated).collect();
    let application: Vec<&Item> = items.iter().filter(|i| i.kind == PermissionKind::Application).collect();
    let graph_scopes: Vec<&Item> = delegated.iter().copied().filter(|i| i.is_graph()).collect();
    let other_scopes: Vec<&Item> = delegated.iter().copied().filter(|i| !i.is_graph()).collect();
    let grant = !application.is_empty();
    let mut out = String::new();
    let mut count = 0;

    let mut parts = Vec::new();
    if !application.is_empty() {
        parts.push(plural(
            application.len(),
            "application permission",
            "application permissions",
        ));
    }
    if !delegated.is_empty() {
        parts.push(plural(delegated.len(), "delegated scope", "delegated scopes"));
    }
    if parts.is_empty() {
        parts.push("nothing".to_string());
    }
    out.push_str(&format!(
        "# Generated by permscope: {}.\n# Review every line before running it.\n",
        parts.join(" and ")
    ));
    if items.is_empty() {
        out.push_str("# Nothing to grant: the selection has no permission that can be granted.\n");
        return (out, 0);
    }
    if grant {
        out.push_str(concat!(
            "param(\n",
            "    # Application (client) id of the app to grant the permissions to.\n",
            "    [Parameter(Mandatory = $true)]\n",
            "    [ValidatePattern('^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')]\n",
            "    [string] $ClientAppId\n",
            ")\n",
            "$ErrorActionPreference = 'Stop'\n",
        ));
    }
    if !graph_scopes.is_empty() {
        let list = graph_scopes
            .iter()
            .map(|i| ps_quote(&i.name))
            .collect::<Vec<_>>()
            .join(",");
        count += graph_scopes.len();
        out.push('\n');
        if grant {
            // Running it here would sign the admin in with these scopes and
            // consent to them for the PowerShell app, not the client app.
            out.push_str(concat!(
                "# Delegated Microsoft Graph scopes. This script grants only the application permissions;\n",
                "# sign in with these scopes, or consent to them for the app, separately:\n",
            ));
            out.push_str(&format!("# Connect-MgGraph -Scopes {list}\n"));
        } else {
            out.push_str("# Delegated Microsoft Graph scopes: sign in with exactly these.\n");
            out.push_str(&format!("Connect-MgGraph -Scopes {list}\n"));
        }
    }
    for group in by_resource(&other_scopes) {
        let first = group[0];
        count += group.len();
        out.push_str(&format!(
            "\n# Delegated scopes on {} ({}): Connect-MgGraph signs in to Microsoft Graph only;\n# consent to these when the app asks, or in the Entra admin center:\n",
            first.api_name, first.app_id
        ));
        for i in group {
            out.push_str(&format!("#   {}\n", i.name));
        }
    }
    if grant {
        out.push_str(concat!(
            "\n# Assigning app roles needs these rights:\n",
            "Connect-MgGraph -Scopes \"Application.Read.All\",\"AppRoleAssignment.ReadWrite.All\"\n",
            "\n",
            "$clientSp = Get-MgServicePrincipal -Filter \"appId eq '$ClientAppId'\"\n",
            "if (-not $clientSp) { throw \"No service principal for app $ClientAppId in this tenant: consent to the app first.\" }\n",
        ));
        for group in by_resource(&application) {
            let first = group[0];
            out.push_str(&format!("\n# {} ({})\n", first.api_name, first.app_id));
            if !is_plain(&first.app_id) {
                for i in group {
                    warnings.push(format!(
                        "Left out {}: its resource app id `{}` is not a plain identifier.",
                        i.describe(),
                        first.app_id
                    ));
                }
                out.push_str("# Not granted: the resource app id is not a plain identifier.\n");
                continue;
            }
            let known: Vec<&&Item> = group.iter().filter(|i| i.id().is_some_and(is_plain)).collect();
            if !known.is_empty() {
                out.push_str(&format!(
                    "$resourceSp = Get-MgServicePrincipal -Filter \"appId eq '{}'\"\n",
                    first.app_id
                ));
                out.push_str(&format!(
                    "if (-not $resourceSp) {{ throw \"No service principal for {} ({}) in this tenant.\" }}\n",
                    ps_double_quoted_text(&first.api_name),
                    first.app_id
                ));
            }
            for i in group {
                match i.id().filter(|id| is_plain(id)) {
                    Some(id) => {
                        count += 1;
                        out.push_str(&format!("# {}\n", i.name));
                        out.push_str(&format!(
                            "New-MgServicePrincipalAppRoleAssignment -ServicePrincipalId $clientSp.Id -PrincipalId $clientSp.Id -ResourceId $resourceSp.Id -AppRoleId {}\n",
                            ps_quote(id)
                        ));
                    }
                    None => {
                        warnings.push(no_guid(i, "the script names it in a comment and does not grant it"));
                        out.push_str(&format!(
                            "# Not granted: {} (no GUID known; not in permscope's permission catalog)\n",
                            i.name
                        ));
                    }
                }
            }
        }
    }
    (out, count)
}

/// Text safe inside a PowerShell double-quoted string: characters that
/// expand or end the string are dropped (used for resource names in messages).
fn ps_double_quoted_text(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '"' | '$' | '`' | '\u{201c}' | '\u{201d}' | '\u{201e}'))
        .collect()
}

// ---------------------------------------------------------------- azcli

/// A POSIX shell word: tokens of harmless characters as they are, anything
/// else single-quoted (where nothing expands).
fn sh_quote(s: &str) -> String {
    let harmless =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '=' | '/' | ':' | ',' | '@' | '+');
    if !s.is_empty() && s.chars().all(harmless) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn azcli(items: &[Item], warnings: &mut Vec<String>) -> (String, usize) {
    let all: Vec<&Item> = items.iter().collect();
    let groups = by_resource(&all);
    let mut out = String::new();
    let mut count = 0;
    out.push_str(&format!(
        "# Generated by permscope: {} on {}.\n",
        plural(items.len(), "permission", "permissions"),
        plural(groups.len(), "resource", "resources")
    ));
    out.push_str(concat!(
        "# Review every line before running it. Set APP_ID to the application (client) id\n",
        "# of the app registration first, e.g. APP_ID=00000000-0000-0000-0000-000000000000\n",
        ": \"${APP_ID:?set APP_ID to the application (client) id of the app registration}\"\n",
    ));
    if items.is_empty() {
        out.push_str("# Nothing to add: the selection has no permission that can be granted.\n");
        return (out, 0);
    }
    for group in groups {
        let first = group[0];
        out.push_str(&format!("\n# {} ({})\n", first.api_name, first.app_id));
        let mut pairs = Vec::new();
        for i in group {
            match i.id() {
                Some(id) => {
                    let pair = format!("{id}={}", i.kind.manifest_type());
                    out.push_str(&format!("#   {pair}  {}\n", i.name));
                    pairs.push(sh_quote(&pair));
                }
                None => {
                    warnings.push(no_guid(i, "the commands name it in a comment and do not add it"));
                    out.push_str(&format!(
                        "#   not added: {} ({}; no GUID known, not in permscope's permission catalog)\n",
                        i.name, i.kind
                    ));
                }
            }
        }
        if !pairs.is_empty() {
            count += pairs.len();
            out.push_str(&format!(
                "az ad app permission add --id \"$APP_ID\" --api {} --api-permissions {}\n",
                sh_quote(&first.app_id),
                pairs.join(" ")
            ));
        }
    }
    out.push_str(concat!(
        "\n# Then grant admin consent (needs an administrator allowed to consent for the tenant):\n",
        "# az ad app permission admin-consent --id \"$APP_ID\"\n",
    ));
    (out, count)
}

// ---------------------------------------------------------------- manifest

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest<'a> {
    required_resource_access: Vec<ResourceAccessGroup<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceAccessGroup<'a> {
    resource_app_id: &'a str,
    resource_access: Vec<ResourceAccess<'a>>,
}

#[derive(Serialize)]
struct ResourceAccess<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

fn manifest<'a>(items: &'a [Item<'a>], warnings: &mut Vec<String>) -> (String, usize) {
    let all: Vec<&Item> = items.iter().collect();
    let mut groups = Vec::new();
    let mut count = 0;
    for group in by_resource(&all) {
        let mut access = Vec::new();
        for i in group {
            match i.id() {
                Some(id) => access.push(ResourceAccess {
                    id,
                    kind: i.kind.manifest_type(),
                }),
                None => warnings.push(no_guid(i, "it is left out of the manifest")),
            }
        }
        if !access.is_empty() {
            count += access.len();
            groups.push(ResourceAccessGroup {
                resource_app_id: &group[0].app_id,
                resource_access: access,
            });
        }
    }
    let m = Manifest {
        required_resource_access: groups,
    };
    let mut text = crate::model::text::json_pretty(&m);
    text.push('\n');
    (text, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powershell_quoting() {
        assert_eq!(ps_quote("Mail.Read"), "\"Mail.Read\"");
        assert_eq!(ps_quote("a$b"), "'a$b'");
        assert_eq!(ps_quote("it's"), "'it''s'");
        assert_eq!(ps_quote("x\u{2019}y"), "'x\u{2019}\u{2019}y'");
        assert_eq!(ps_quote("\"`$(calc)"), "'\"`$(calc)'");
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(sh_quote("abc-1=Role"), "abc-1=Role");
        assert_eq!(sh_quote(""), "''");
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("abc-1"), "abc-1");
        assert_eq!(sh_quote("a'b"), "'a'\\''b'");
        assert_eq!(sh_quote("$(id)"), "'$(id)'");
    }

    #[test]
    fn csv_quoting_and_formula_defusing() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=cmd"), "'=cmd");
        assert_eq!(csv_field("-1,2"), "\"'-1,2\"");
    }

    #[test]
    fn markdown_code_span_holds_backticks_and_pipes() {
        assert_eq!(md_code("Mail.Read"), "`Mail.Read`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x"), "`` `x ``");
        assert_eq!(md_code("a|b"), "`a\\|b`");
        assert_eq!(md_text("<b>|"), "&lt;b&gt;\\|");
    }

    #[test]
    fn every_format_has_a_distinct_name() {
        let mut names: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ExportFormat::ALL.len());
        for f in ExportFormat::ALL {
            assert_eq!(<ExportFormat as Choice>::parse(f.as_str()), Some(f));
        }
    }
}
