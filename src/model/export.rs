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
//!
//! A tenant consents to apps, and a selection remembers the apps its
//! permissions were picked for. Formats an app registration consumes whole
//! (the manifest, a scope string) are refused for a selection of several
//! apps, never merged; the scripts give one labelled block per app, each with
//! its own app id; the lists name each permission's apps. Lines and levels
//! come from those apps' rows only, so an export of one product never cites
//! another product's document.

use crate::model::catalog::Catalog;
use crate::model::choice::Choice;
use crate::model::exportable::{Block, Item, block_list, blocks, by_resource, distinct, no_guid, of_kind, prepare};
use crate::model::microsoft::MicrosoftPermission;
use crate::model::permission::PermissionKind;
use crate::model::query::AppRef;
use crate::model::selection::Selection;
use crate::model::text::{csv_field, md_code, md_text};
use crate::model::text::{one_line, plural};
use serde::Serialize;

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
            ExportFormat::Powershell => "PowerShell: grants to the app (delegated scopes and app roles)",
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
    /// Everything skipped or left incomplete, one sentence each. When the
    /// selection is for several apps, the first says how the text deals with them.
    pub warnings: Vec<String>,
    /// Distinct permissions the text carries (for "Copied N permissions").
    pub count: usize,
    /// The apps the permissions were picked for, in catalog order (empty when
    /// they were picked without a row, e.g. built in code).
    pub apps: Vec<AppRef>,
    /// True when the format holds one app registration's permissions and the
    /// selection is for several apps: nothing was written, and the first
    /// warning says why.
    pub refused: bool,
}

/// Renders `selection` in `format`.
pub fn export(catalog: &Catalog, selection: &Selection, format: ExportFormat) -> Export {
    let mut warnings = Vec::new();
    let apps: Vec<AppRef> = selection.apps().into_iter().collect();
    let items = prepare(catalog, selection, &mut warnings);
    let blocks = blocks(catalog, &items, &apps);
    let mut refused = None;
    let (text, count) = match format {
        ExportFormat::Names => names(&items, &mut warnings),
        ExportFormat::Scopes => scopes(&blocks, &mut warnings, &mut refused),
        ExportFormat::Json => json(&items, &mut warnings),
        ExportFormat::Csv => csv(&items, &mut warnings),
        ExportFormat::Markdown => markdown(&blocks, &mut warnings),
        ExportFormat::Powershell => powershell(&blocks, &mut warnings),
        ExportFormat::Azcli => azcli(&blocks, &mut warnings),
        ExportFormat::Manifest => manifest(&blocks, &mut warnings, &mut refused),
    };
    // How the text deals with several apps comes first: it is what the
    // reviewer must know before pasting anything.
    if let Some(why) = &refused {
        warnings.insert(0, why.clone());
    } else if blocks.len() > 1 {
        warnings.insert(0, apps_statement(&blocks, format));
    }
    // An item in two apps' blocks is warned about once.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
    if count == 0 && !selection.is_empty() && warnings.is_empty() {
        warnings.push("Nothing in the selection can be written in this format.".into());
    }
    if selection.is_empty() {
        warnings.push("The selection is empty.".into());
    }
    Export {
        text,
        warnings,
        count,
        apps,
        refused: refused.is_some(),
    }
}

/// The first warning of an export for several apps: how the text treats them.
fn apps_statement(blocks: &[Block], format: ExportFormat) -> String {
    let n = blocks.iter().filter(|b| b.app.is_some()).count();
    let how = match format {
        ExportFormat::Powershell | ExportFormat::Azcli => {
            "one block per app, each run with that app's own application (client) id"
        }
        ExportFormat::Markdown => "one table per app",
        ExportFormat::Json | ExportFormat::Csv => "each row names the apps it was picked for",
        ExportFormat::Names => "the list names each permission once, whichever app asks for it",
        ExportFormat::Scopes => "the scope string is the one app's with delegated scopes",
        ExportFormat::Manifest => "the manifest is the one app's with permissions to write",
    };
    format!(
        "The selection is for {n} apps, each consented to apart: {how}. The apps: {}.",
        block_list(blocks)
    )
}

/// Why a format that is one app registration's was not written for several apps.
fn refusal(what: &str, blocks: &[&Block]) -> String {
    format!(
        "Nothing written: {what} is one app registration's, and the selection is for {} apps, each consented to apart: {}. Export one app's permissions at a time.",
        blocks.len(),
        block_list(blocks.iter().copied())
    )
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

fn scopes(blocks: &[Block], warnings: &mut Vec<String>, refused: &mut Option<String>) -> (String, usize) {
    let is_delegated = |i: &&Item| i.kind == PermissionKind::Delegated;
    let holding: Vec<&Block> = blocks.iter().filter(|b| b.items.iter().any(is_delegated)).collect();
    if holding.len() > 1 {
        *refused = Some(refusal("an OAuth scope string", &holding));
        return (String::new(), 0);
    }
    let items: Vec<&Item> = match holding.first() {
        Some(b) => b.items.clone(),
        None => blocks.iter().flat_map(|b| b.items.iter().copied()).collect(),
    };
    let delegated: Vec<&Item> = items.iter().copied().filter(is_delegated).collect();
    let mut application: Vec<&Item> = blocks
        .iter()
        .flat_map(|b| b.items.iter().copied())
        .filter(|i| i.kind == PermissionKind::Application)
        .collect();
    application.sort_by_key(|i| i.index);
    application.dedup_by_key(|i| i.index);
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
    if delegated.is_empty() && blocks.iter().any(|b| !b.items.is_empty()) {
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
    /// The apps it was picked for.
    apps: Vec<JsonApp<'a>>,
}

#[derive(Serialize)]
struct JsonApp<'a> {
    product: &'a str,
    app: &'a str,
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
                apps: i
                    .app_names
                    .iter()
                    .map(|(product, app)| JsonApp { product, app })
                    .collect(),
            }
        })
        .collect();
    let mut text = crate::model::text::json_pretty(&rows);
    text.push('\n');
    (text, items.len())
}

// ---------------------------------------------------------------- csv

/// "xopero-one: Xopero ONE MS365 PRO; gitprotect: Xopero ONE MS365 PRO".
fn app_list(i: &Item) -> String {
    i.app_names
        .iter()
        .map(|(product, app)| format!("{product}: {app}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn consent_text(fact: Option<&MicrosoftPermission>) -> &'static str {
    match fact.and_then(|f| f.admin_consent) {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn csv(items: &[Item], warnings: &mut Vec<String>) -> (String, usize) {
    let mut out = String::from("api,permission,type,id,admin_consent,risk,products,apps\n");
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
            &app_list(i),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    (out, items.len())
}

// ---------------------------------------------------------------- markdown

fn markdown(blocks: &[Block], warnings: &mut Vec<String>) -> (String, usize) {
    let mut out = String::new();
    let mut written = std::collections::BTreeSet::new();
    for (n, block) in blocks.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if blocks.len() > 1 {
            out.push_str(&format!("### App {}: {}\n\n", n + 1, md_text(block.title())));
        } else if let Some(label) = &block.label {
            out.push_str(&format!("For the app {}.\n\n", md_text(label)));
        }
        out.push_str(
            "| Risk | Permission | API | Type | ID | Admin consent | Products |\n|---|---|---|---|---|---|---|\n",
        );
        let mut unknown = Vec::new();
        for i in &block.items {
            let id = match i.id() {
                Some(id) => md_code(id),
                None => {
                    warnings.push(no_guid(i, "its ID cell says so"));
                    unknown.push(format!("{} ({}, {})", md_code(&i.name), md_text(&i.api_short), i.kind));
                    "not in catalog".to_string()
                }
            };
            written.insert(i.index);
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
    }
    (out, written.len())
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

/// "4 application permissions and 2 delegated scopes" over `items`.
fn kinds_summary(items: &[&Item]) -> String {
    let application = of_kind(items, PermissionKind::Application).len();
    let delegated = of_kind(items, PermissionKind::Delegated).len();
    let mut parts = Vec::new();
    if application > 0 {
        parts.push(plural(application, "application permission", "application permissions"));
    }
    if delegated > 0 {
        parts.push(plural(delegated, "delegated scope", "delegated scopes"));
    }
    if parts.is_empty() {
        parts.push("nothing".to_string());
    }
    parts.join(" and ")
}

/// The `# For ...` line naming the app(s) a script is for.
fn script_for(blocks: &[Block]) -> String {
    match blocks {
        [one] => one
            .label
            .as_ref()
            .map(|l| format!("# For the app {l}.\n"))
            .unwrap_or_default(),
        many => format!(
            "# For {} app registrations, one block each: {}.\n",
            many.len(),
            many.iter()
                .enumerate()
                .map(|(n, b)| format!("app {} is {}", n + 1, b.title()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn powershell(blocks: &[Block], warnings: &mut Vec<String>) -> (String, usize) {
    let all = distinct(blocks);
    let multi = blocks.len() > 1;
    // The parameter naming each app that gets a grant.
    let variable = |n: usize| {
        if multi {
            format!("ClientAppId{}", n + 1)
        } else {
            "ClientAppId".to_string()
        }
    };
    // Every block with something to grant: app roles, or delegated scopes
    // (granted to the app's service principal, never signed in with).
    let granting: Vec<usize> = (0..blocks.len()).filter(|&n| !blocks[n].items.is_empty()).collect();
    let mut out = String::new();
    let mut written = std::collections::BTreeSet::new();

    out.push_str(&format!("# Generated by permscope: {}.\n", kinds_summary(&all)));
    out.push_str(&script_for(blocks));
    out.push_str("# Review every line before running it.\n");
    if all.is_empty() {
        out.push_str("# Nothing to grant: the selection has no permission that can be granted.\n");
        return (out, 0);
    }
    out.push_str("param(\n");
    for (k, &n) in granting.iter().enumerate() {
        if multi {
            out.push_str(&format!(
                "    # Application (client) id of app {}: {}.\n",
                n + 1,
                one_line(blocks[n].title())
            ));
        } else {
            out.push_str("    # Application (client) id of the app to grant the permissions to.\n");
        }
        out.push_str(concat!(
            "    [Parameter(Mandatory = $true)]\n",
            "    [ValidatePattern('^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')]\n",
        ));
        out.push_str(&format!(
            "    [string] ${}{}\n",
            variable(n),
            if k + 1 < granting.len() { "," } else { "" }
        ));
    }
    out.push_str(")\n$ErrorActionPreference = 'Stop'\n\n");
    out.push_str(&ps_rights(&all));
    for &n in &granting {
        let block = &blocks[n];
        if multi {
            out.push_str(&format!("\n# ---- App {}: {}\n", n + 1, one_line(block.title())));
        }
        ps_client(&mut out, &variable(n));
        ps_scopes(&mut out, &block.items, warnings, &mut written);
        ps_grants(&mut out, &block.items, warnings, &mut written);
    }
    (out, written.len())
}

/// The sign-in the script itself needs: finding service principals, and
/// granting what the selection holds. These rights are the administrator's,
/// in Microsoft Graph PowerShell; the app gets only what the script grants.
fn ps_rights(all: &[&Item]) -> String {
    let mut rights = vec!["\"Application.Read.All\""];
    if all.iter().any(|i| i.kind == PermissionKind::Application) {
        rights.push("\"AppRoleAssignment.ReadWrite.All\"");
    }
    if all.iter().any(|i| i.kind == PermissionKind::Delegated) {
        rights.push("\"DelegatedPermissionGrant.ReadWrite.All\"");
    }
    format!(
        "# Your sign-in, to look the apps up and grant (these rights are yours, not the app's):\nConnect-MgGraph -Scopes {}\n",
        rights.join(",")
    )
}

/// Finds the service principal of the app whose id is in `$variable`.
fn ps_client(out: &mut String, variable: &str) {
    out.push_str(&format!(
        "\n$clientSp = Get-MgServicePrincipal -Filter \"appId eq '${variable}'\"\n"
    ));
    out.push_str(&format!(
        "if (-not $clientSp) {{ throw \"No service principal for app ${variable} in this tenant: consent to the app first.\" }}\n"
    ));
}

/// Looks the resource's service principal up as `$resourceSp`.
fn ps_resource(out: &mut String, first: &Item) {
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

/// The delegated scopes of `items`, granted to `$clientSp` per resource as
/// an admin consent for every user: one oauth2PermissionGrant (consentType
/// AllPrincipals) per resource, added to the one the app may already hold.
fn ps_scopes(
    out: &mut String,
    items: &[&Item],
    warnings: &mut Vec<String>,
    written: &mut std::collections::BTreeSet<usize>,
) {
    let delegated = of_kind(items, PermissionKind::Delegated);
    for group in by_resource(&delegated) {
        let first = group[0];
        out.push_str(&format!(
            "\n# Delegated scopes on {} ({}): admin consent for every user (consentType AllPrincipals),\n# so the app may use them for anyone who signs in to it.\n",
            first.api_name, first.app_id
        ));
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
        // A scope string is names separated by spaces: only plain names fit.
        let (plain, odd): (Vec<&&Item>, Vec<&&Item>) = group.iter().partition(|i| is_plain(&i.name));
        for i in odd {
            warnings.push(format!(
                "Left out {}: a scope is granted by name, and this name is not a plain one.",
                i.describe()
            ));
            out.push_str(&format!("# Not granted: {} (not a plain scope name)\n", i.name));
        }
        if plain.is_empty() {
            continue;
        }
        written.extend(plain.iter().map(|i| i.index));
        ps_resource(out, first);
        out.push_str(&format!(
            "$scopes = @({})\n",
            plain.iter().map(|i| ps_quote(&i.name)).collect::<Vec<_>>().join(",")
        ));
        out.push_str(concat!(
            "$grant = Get-MgOauth2PermissionGrant -Filter \"clientId eq '$($clientSp.Id)' and consentType eq 'AllPrincipals' and resourceId eq '$($resourceSp.Id)'\" | Select-Object -First 1\n",
            "if ($grant) {\n",
            "    $merged = @($grant.Scope -split ' ' | Where-Object { $_ }) + $scopes | Select-Object -Unique\n",
            "    Update-MgOauth2PermissionGrant -OAuth2PermissionGrantId $grant.Id -Scope ($merged -join ' ')\n",
            "} else {\n",
            "    New-MgOauth2PermissionGrant -ClientId $clientSp.Id -ConsentType 'AllPrincipals' -ResourceId $resourceSp.Id -Scope ($scopes -join ' ')\n",
            "}\n",
        ));
    }
}

/// App role assignments of the application permissions in `items` to `$clientSp`.
fn ps_grants(
    out: &mut String,
    items: &[&Item],
    warnings: &mut Vec<String>,
    written: &mut std::collections::BTreeSet<usize>,
) {
    let application = of_kind(items, PermissionKind::Application);
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
            ps_resource(out, first);
        }
        for i in group {
            match i.id().filter(|id| is_plain(id)) {
                Some(id) => {
                    written.insert(i.index);
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

fn azcli(blocks: &[Block], warnings: &mut Vec<String>) -> (String, usize) {
    let all = distinct(blocks);
    let multi = blocks.len() > 1;
    let resources = by_resource(&all).len();
    let mut out = String::new();
    let mut written = std::collections::BTreeSet::new();
    out.push_str(&format!(
        "# Generated by permscope: {} on {}.\n",
        plural(all.len(), "permission", "permissions"),
        plural(resources, "resource", "resources")
    ));
    out.push_str(&script_for(blocks));
    if multi {
        out.push_str(concat!(
            "# Review every line before running it. Each block is for its own app registration:\n",
            "# set its APP_ID_<n> to that app's application (client) id first,\n",
            "# e.g. APP_ID_1=00000000-0000-0000-0000-000000000000\n",
        ));
    } else {
        out.push_str(concat!(
            "# Review every line before running it. Set APP_ID to the application (client) id\n",
            "# of the app registration first, e.g. APP_ID=00000000-0000-0000-0000-000000000000\n",
            ": \"${APP_ID:?set APP_ID to the application (client) id of the app registration}\"\n",
        ));
    }
    if all.is_empty() {
        out.push_str("# Nothing to add: the selection has no permission that can be granted.\n");
        return (out, 0);
    }
    for (n, block) in blocks.iter().enumerate() {
        // Only a fixed name reaches the shell: app names stay in comments.
        let variable = if multi {
            format!("APP_ID_{}", n + 1)
        } else {
            "APP_ID".to_string()
        };
        if multi {
            out.push_str(&format!("\n# ---- App {}: {}\n", n + 1, one_line(block.title())));
            out.push_str(&format!(
                ": \"${{{variable}:?set {variable} to the application (client) id of app {}}}\"\n",
                n + 1
            ));
        }
        for group in by_resource(&block.items) {
            let first = group[0];
            out.push_str(&format!("\n# {} ({})\n", first.api_name, first.app_id));
            let mut pairs = Vec::new();
            for i in group {
                match i.id() {
                    Some(id) => {
                        let pair = format!("{id}={}", i.kind.manifest_type());
                        out.push_str(&format!("#   {pair}  {}\n", i.name));
                        pairs.push(sh_quote(&pair));
                        written.insert(i.index);
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
                out.push_str(&format!(
                    "az ad app permission add --id \"${variable}\" --api {} --api-permissions {}\n",
                    sh_quote(&first.app_id),
                    pairs.join(" ")
                ));
            }
        }
        if multi {
            out.push_str(&format!(
                "\n# Then grant admin consent to app {} (needs an administrator allowed to consent for the tenant):\n# az ad app permission admin-consent --id \"${variable}\"\n",
                n + 1
            ));
        }
    }
    if !multi {
        out.push_str(concat!(
            "\n# Then grant admin consent (needs an administrator allowed to consent for the tenant):\n",
            "# az ad app permission admin-consent --id \"$APP_ID\"\n",
        ));
    }
    (out, written.len())
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

fn manifest(blocks: &[Block], warnings: &mut Vec<String>, refused: &mut Option<String>) -> (String, usize) {
    let holding: Vec<&Block> = blocks.iter().filter(|b| !b.items.is_empty()).collect();
    if holding.len() > 1 {
        *refused = Some(refusal("an app manifest's requiredResourceAccess", &holding));
        return (String::new(), 0);
    }
    let items: &[&Item] = holding.first().map_or(&[], |b| b.items.as_slice());
    let mut groups = Vec::new();
    let mut count = 0;
    for group in by_resource(items) {
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
