//! What every command shares: the options that apply everywhere, loading the
//! catalog they describe, the row filters, and the command line's reading of
//! the model's named choices.

use crate::model::catalog::{Catalog, LoadReport};
use crate::model::choice::Choice;
use crate::model::level::RiskLevel;
use crate::model::permission::PermissionKind;
use crate::model::product::Phase;
use crate::model::query::{AppRef, Query};
use crate::model::risk::RiskBook;
use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::marker::PhantomData;
use std::path::PathBuf;

/// Options every command accepts.
#[derive(Debug, Args, Clone, Default)]
pub struct Global {
    /// Folder of extra product files (*.json); a file with a bundled slug replaces
    /// that product. Repeatable. Also read from PERMSCOPE_DATA (paths separated by ':').
    #[arg(long = "data", value_name = "DIR", global = true)]
    pub data: Vec<PathBuf>,
    /// A reviewer's risk rules, layered on top of the bundled ones.
    #[arg(long = "risk-rules", value_name = "FILE", global = true)]
    pub risk_rules: Option<PathBuf>,
    /// A reviewer's capability model file (grants, capabilities and edges that lead
    /// to outcomes), layered on top of the bundled data/capabilities.json.
    #[arg(long = "model", value_name = "FILE", global = true)]
    pub model: Option<PathBuf>,
    /// A reviewer's alternatives file (narrower permissions and mechanisms),
    /// layered on top of the bundled data/alternatives.json: used by advise,
    /// audit and the explorer.
    #[arg(long = "alternatives", value_name = "FILE", global = true)]
    pub alternatives: Option<PathBuf>,
    /// When to colour risk badges (explorer and commands): auto does on a
    /// terminal unless NO_COLOR is set; always and never override both.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// A resource service principal export (`az ad sp show`, `Get-MgServicePrincipal |
    /// ConvertTo-Json`) or a bare list of its appRoles / oauth2PermissionScopes, whose GUIDs
    /// extend the permission catalog for this run. Repeatable.
    #[arg(long = "catalog", value_name = "FILE", global = true)]
    pub catalogs: Vec<PathBuf>,
    /// The API a bare appRoles / scopes list in --catalog belongs to (default Microsoft Graph).
    #[arg(long = "catalog-resource", value_name = "API", global = true)]
    pub catalog_resource: Option<String>,
}

/// Colour preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always colour (even into a pipe or a file, and despite NO_COLOR).
    Always,
    /// Never colour: the mono theme, risk as text badges.
    Never,
}

/// `--app NAME`: one app of the product. Every command that works per app
/// flattens this, so the option reads and resolves the same everywhere.
#[derive(Debug, Args, Clone, Default)]
pub struct AppArg {
    /// Only this app of the product: a tenant consents to each app apart (Xopero
    /// ONE installs a registrator and a backup app). Its name ignoring case, or a
    /// unique prefix of it or of one of its words (`pro`, `registrator`); an
    /// unknown or ambiguous name lists the apps.
    #[arg(long = "app", value_name = "NAME")]
    pub app: Option<String>,
}

impl AppArg {
    /// The app named in each of `products` (every product that has such an
    /// app when `products` is empty); empty without `--app`.
    pub fn resolve(&self, catalog: &Catalog, products: &[usize]) -> anyhow::Result<Vec<AppRef>> {
        match &self.app {
            None => Ok(Vec::new()),
            Some(name) => Ok(crate::model::query::apps_called(catalog, products, name)?),
        }
    }

    /// The app named in `product`, if `--app` was given.
    pub fn resolve_one(&self, catalog: &Catalog, product: usize) -> anyhow::Result<Option<usize>> {
        match &self.app {
            None => Ok(None),
            Some(name) => Ok(Some(crate::model::query::resolve_app(catalog, product, name)?)),
        }
    }
}

/// Filters shared by `list` and other row commands.
#[derive(Debug, Args, Clone, Default)]
pub struct Filters {
    /// Only this product (slug or unique prefix). Repeatable.
    #[arg(long = "product", value_name = "SLUG")]
    pub products: Vec<String>,
    #[command(flatten)]
    pub app: AppArg,
    /// Only this API: graph, exchange, sharepoint, devops, or a full name.
    #[arg(long)]
    pub api: Option<String>,
    /// Only this type: application or delegated.
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_kind)]
    pub kind: Option<PermissionKind>,
    /// Only rows for this workload (case-insensitive part of its name, e.g. teams).
    #[arg(long)]
    pub workload: Option<String>,
    /// Only rows used in this phase: discovery, backup or recovery.
    #[arg(long, value_parser = parse_phase)]
    pub phase: Option<Phase>,
    /// Only this risk level and above: low, medium, high, critical.
    #[arg(long, value_parser = parse_level)]
    pub risk: Option<RiskLevel>,
    /// Fuzzy search over permission, description, purpose and product.
    #[arg(long, short = 'q')]
    pub query: Option<String>,
}

/// Output format of `show` and `assess`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// Sentences for a person.
    Text,
    /// One JSON document, for scripts.
    Json,
}

pub(crate) fn parse_kind(s: &str) -> Result<PermissionKind, String> {
    PermissionKind::parse_loose(s).ok_or_else(|| format!("`{s}` is not a type: use application or delegated"))
}

fn parse_phase(s: &str) -> Result<Phase, String> {
    Phase::parse_loose(s).ok_or_else(|| format!("`{s}` is not a phase: use discovery, backup or recovery"))
}

fn parse_level(s: &str) -> Result<RiskLevel, String> {
    RiskLevel::parse_loose(s).ok_or_else(|| {
        let mut message = format!("`{s}` is not a risk level: use low, medium, high or critical");
        // `--risk rules.json` after the command is the level filter: the
        // reviewer most likely meant to load a rules file.
        let looks_like_file = s.ends_with(".json") || s.contains('/') || std::path::Path::new(s).is_file();
        if looks_like_file {
            message.push_str(&format!(
                ". To load risk rules from a file, use --risk-rules {s} (anywhere on the line), or --risk {s} before the command"
            ));
        }
        message
    })
}

/// The command line's parser for one of the model's [`Choice`]s: its names
/// and aliases, with their help in `--help`.
#[derive(Clone)]
pub struct ChoiceParser<T>(PhantomData<T>);

/// A value parser for `T`.
pub fn choice<T: Choice>() -> ChoiceParser<T> {
    ChoiceParser(PhantomData)
}

impl<T: Choice> TypedValueParser for ChoiceParser<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        T::parse(&text).ok_or_else(|| {
            let mut err = clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd);
            if let Some(arg) = arg {
                err.insert(
                    clap::error::ContextKind::InvalidArg,
                    clap::error::ContextValue::String(arg.to_string()),
                );
            }
            err.insert(
                clap::error::ContextKind::InvalidValue,
                clap::error::ContextValue::String(text.into_owned()),
            );
            err.insert(
                clap::error::ContextKind::ValidValue,
                clap::error::ContextValue::Strings(T::all().iter().map(|v| v.name().to_string()).collect()),
            );
            err
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(T::all().iter().map(|v| {
            PossibleValue::new(v.name()).help(v.help()).aliases(v.aliases())
        })))
    }
}

/// Folders products are read from: the user's data folder (where `import`
/// writes) when it exists, then `PERMSCOPE_DATA`, then `--data`.
pub fn data_dirs(global: &Global) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(home) = crate::model::import::default_data_dir()
        && home.is_dir()
    {
        dirs.push(home);
    }
    if let Some(env) = std::env::var_os("PERMSCOPE_DATA") {
        dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
    }
    dirs.extend(global.data.iter().cloned());
    dirs
}

/// Loads the catalog the options describe: bundled data, data folders, risk rules.
pub fn load_catalog(global: &Global) -> anyhow::Result<(Catalog, LoadReport)> {
    let (mut catalog, report) = Catalog::load(&data_dirs(global));
    if let Some(path) = &global.risk_rules {
        let text = crate::model::read::file::read_json_text(path)?;
        let layer = RiskBook::from_json(&text, &path.display().to_string())?;
        let mut book = RiskBook::bundled();
        book.layer(layer);
        catalog.set_risk(book);
    }
    if let Some(path) = &global.model {
        let text = crate::model::read::file::read_text(path)?;
        catalog.layer_capabilities(&text, &path.display().to_string())?;
    }
    if let Some(path) = &global.alternatives {
        let text = crate::model::read::file::read_text(path)?;
        catalog.layer_alternatives(&text, &path.display().to_string())?;
    }
    for path in &global.catalogs {
        let export = crate::model::read::grants::read_export_file(path)?;
        if !export.kind.is_catalog() {
            anyhow::bail!(
                "{}: --catalog wants a resource's service principal or its appRoles / scopes, but this is {}",
                path.display(),
                export.kind.describe()
            );
        }
        for entries in &export.catalogs {
            crate::model::grants::extend_catalog(&mut catalog, entries, global.catalog_resource.as_deref())?;
        }
    }
    Ok((catalog, report))
}

/// Resolves command-line filters against the catalog.
pub fn build_query(catalog: &Catalog, f: &Filters) -> anyhow::Result<Query> {
    let mut q = Query::default();
    for p in &f.products {
        q.add_product(catalog, p)?;
    }
    q.apps = f.app.resolve(catalog, &q.products)?;
    if let Some(api) = &f.api {
        q.add_api(catalog, api)?;
    }
    if let Some(w) = &f.workload {
        q.add_workload(catalog, w)?;
    }
    q.kind = f.kind;
    q.phase = f.phase;
    q.min_risk = f.risk;
    q.text = f.query.clone().unwrap_or_default();
    Ok(q)
}

/// The products named on the command line (slugs or unique prefixes).
pub fn products(catalog: &Catalog, names: &[String]) -> anyhow::Result<Vec<usize>> {
    let mut q = Query::default();
    for p in names {
        q.add_product(catalog, p)?;
    }
    Ok(q.products)
}

/// Width for `table` output: the terminal's, else $COLUMNS, else 120.
pub fn output_width() -> usize {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal()
        && let Ok((w, _)) = ratatui::crossterm::terminal::size()
        && w > 0
    {
        return w as usize;
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &usize| *w > 0)
        .unwrap_or(120)
}

/// Prints load problems to stderr (each names its file and place).
pub fn warn_load_errors(report: &LoadReport) {
    for e in &report.errors {
        let skipped = match e.kind {
            crate::model::read::ErrorKind::Folder => "folder skipped",
            _ => "file skipped",
        };
        warn(&format!("{e} ({skipped})"));
    }
}

/// A warning on stderr, through the door that neutralises it.
pub fn warn(message: &str) {
    let mut err = crate::model::text::Neutral::new(std::io::stderr().lock());
    let _ = writeln!(err, "permscope: warning: {message}");
}

/// Writes a line of text (`out` is the neutralising door).
pub fn say(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    writeln!(out, "{text}")
}

/// Grants exports resolved against the catalog, with who holds each record.
pub struct GrantSet {
    pub grants: Vec<crate::model::grants::ResolvedGrant>,
    pub holders: crate::model::holders::Holders,
}

/// Reads grants exports (refusing catalogs) and resolves them together, so an
/// object id learned in one file helps another.
pub fn read_grants(catalog: &Catalog, files: &[PathBuf]) -> anyhow::Result<GrantSet> {
    let mut grants = Vec::new();
    for path in files {
        let export = crate::model::read::grants::read_export_file(path)?;
        if export.kind.is_catalog() {
            anyhow::bail!(
                "{}: this is {}, not grants; pass it with --catalog",
                path.display(),
                export.kind.describe()
            );
        }
        grants.extend(export.grants);
    }
    Ok(GrantSet {
        grants: crate::model::grants::resolve(catalog, &grants),
        holders: crate::model::holders::Holders::from_grants(&grants),
    })
}
