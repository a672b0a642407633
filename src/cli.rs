//! Command-line interface: argument definitions and the commands that print.
//!
//! Every command reads the model and prints what it returns; nothing here
//! computes what the explorer could not show too.

use crate::clipboard::ClipboardChoice;
use crate::model::catalog::{Catalog, LoadReport};
use crate::model::compare::{CompareMode, Comparison};
use crate::model::export::{self, ExportFormat};
use crate::model::level::RiskLevel;
use crate::model::listing::{self, ListFormat, safe};
use crate::model::permission::PermissionKind;
use crate::model::product::Phase;
use crate::model::query::{self, Query, Sort};
use crate::model::report::{CompareFormat, ReportFormat};
use crate::model::risk::RiskBook;
use crate::model::selection::{Preset, Selection};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Review the Entra ID permissions that Microsoft 365 and Azure backup vendors
/// ask a tenant to grant: every vendor table, with risk, filters and exports.
///
/// Without a command, permscope opens the interactive explorer.
#[derive(Debug, Parser)]
#[command(name = "permscope", version, about, long_about = None)]
pub struct Cli {
    /// A reviewer's risk rules file, layered on the bundled rules (before the
    /// command; same as --risk-rules, which may go anywhere).
    #[arg(long = "risk", value_name = "FILE")]
    pub risk: Option<PathBuf>,
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

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
    /// When to use colour: auto honours NO_COLOR and whether output is a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Where copies go: auto (system clipboard, or OSC 52 over SSH / without a
    /// display), system, or osc52 (through the terminal).
    #[arg(long, value_enum, default_value_t = ClipboardChoice::Auto, global = true)]
    pub clipboard: ClipboardChoice,
    /// After the explorer exits, print the last copied text to stdout.
    #[arg(long, global = true)]
    pub print: bool,
    /// A resource service principal export (`az ad sp show`, `Get-MgServicePrincipal |
    /// ConvertTo-Json`) or a bare list of its appRoles / oauth2PermissionScopes, whose GUIDs
    /// extend the permission catalog for this run. Repeatable.
    #[arg(long = "catalog", value_name = "FILE", global = true)]
    pub catalogs: Vec<PathBuf>,
    /// The API a bare appRoles / scopes list in --catalog belongs to (default Microsoft Graph).
    #[arg(long = "catalog-resource", value_name = "API", global = true)]
    pub catalog_resource: Option<String>,
    /// Grants exports (app role assignments, oauth2PermissionGrants, a manifest) to audit
    /// in the explorer: press `u` on a product's row. Repeatable. (Before any command;
    /// `audit` has its own --grants.)
    #[arg(long = "grants", value_name = "FILE")]
    pub grants: Vec<PathBuf>,
}

/// Colour preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// permscope's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Products with vendor, source document, counts and risk profile.
    Vendors {
        #[arg(long, value_enum, default_value_t = VendorsFormat::Table)]
        format: VendorsFormat,
    },
    /// Requirements (vendor table rows), filtered and searched.
    List {
        #[command(flatten)]
        filters: Filters,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// Order of rows (default: best match when searching, else document order).
        #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
        sort: SortArg,
    },
    /// Every product that asks for a permission, with each vendor's words.
    Show {
        /// The claim, e.g. Mail.ReadWrite (case-insensitive).
        permission: String,
        /// Only on this API (graph, exchange, sharepoint, devops).
        #[arg(long)]
        api: Option<String>,
        /// Only this type.
        #[arg(long = "type", value_name = "TYPE", value_parser = parse_kind)]
        kind: Option<PermissionKind>,
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
    /// Validate the data and report every problem; exit 1 if any.
    Check,
    /// Print the chosen permissions in a format admins paste (scopes, PowerShell,
    /// az CLI, app manifest...). Warnings (e.g. a permission without a known
    /// GUID) go to stderr.
    Export {
        #[command(flatten)]
        filters: Filters,
        /// A ready-made set of one product (needs exactly one --product).
        #[arg(long, value_enum)]
        preset: Option<Preset>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Names)]
        format: ExportFormat,
    },
    /// Say which clipboard backend a copy would use, and why.
    Doctor,
    /// Check a tenant's real grants against what a product documents. Exit 1 when
    /// anything undocumented (or unknown) is granted.
    Audit {
        /// The product whose documented permissions the grants should match.
        #[arg(long, value_name = "SLUG")]
        product: String,
        /// Exports of the app's grants: appRoleAssignments, oauth2PermissionGrants,
        /// an application manifest or `GET /applications/{id}`; camelCase or PascalCase.
        #[arg(long = "grants", value_name = "FILE", num_args = 1.., required = true)]
        grants_files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = AuditFormat::Table)]
        format: AuditFormat,
    },
    /// Turn a manifest, a grants export or a CSV (api,permission,type,purpose,workload)
    /// into a validated product file in your data folder (--data DIR, else
    /// $XDG_DATA_HOME/permscope).
    Import {
        /// The file to import.
        file: PathBuf,
        /// Slug of the new product (lower-case, hyphens).
        #[arg(long, value_name = "SLUG")]
        product: String,
        /// The vendor's name.
        #[arg(long, value_name = "NAME")]
        vendor: String,
        /// The product's name (default: the slug).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Replace an existing file of that slug.
        #[arg(long)]
        force: bool,
    },
    /// Compare products side by side: who asks for what, and how dangerous the difference is.
    Compare {
        /// Two or more product slugs (or unique prefixes).
        #[arg(num_args = 2.., required = true, value_name = "SLUG")]
        products: Vec<String>,
        /// Which rows: all, only-one, every, differences.
        #[arg(long, value_enum, default_value_t = CompareMode::All)]
        mode: CompareMode,
        #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
        format: CompareFormat,
    },
    /// A procurement report for one or more products (Markdown or HTML).
    Report {
        #[arg(num_args = 1.., required = true, value_name = "SLUG")]
        products: Vec<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
        format: ReportFormat,
    },
    /// Rate permissions that need not be in any product (names as arguments or on stdin).
    Assess {
        /// Permission claims; with none, read one per line from stdin.
        permissions: Vec<String>,
        /// API the permissions are on.
        #[arg(long, default_value = "Microsoft Graph")]
        api: String,
        /// Type of the permissions.
        #[arg(long = "type", value_name = "TYPE", value_parser = parse_kind, default_value = "application")]
        kind: PermissionKind,
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
    },
}

/// Filters shared by `list` and other row commands.
#[derive(Debug, Args, Clone, Default)]
pub struct Filters {
    /// Only this product (slug or unique prefix). Repeatable.
    #[arg(long = "product", value_name = "SLUG")]
    pub products: Vec<String>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VendorsFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Relevance,
    Risk,
    Name,
    Api,
    Product,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Risk => Sort::Risk,
            SortArg::Name => Sort::Name,
            SortArg::Api => Sort::Api,
            SortArg::Product => Sort::Product,
        }
    }
}

fn parse_kind(s: &str) -> Result<PermissionKind, String> {
    PermissionKind::parse_loose(s).ok_or_else(|| format!("`{s}` is not a type: use application or delegated"))
}

fn parse_phase(s: &str) -> Result<Phase, String> {
    Phase::parse_loose(s).ok_or_else(|| format!("`{s}` is not a phase: use discovery, backup or recovery"))
}

fn parse_level(s: &str) -> Result<RiskLevel, String> {
    RiskLevel::parse_loose(s).ok_or_else(|| format!("`{s}` is not a risk level: use low, medium, high or critical"))
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
        let text = crate::model::read::file::read_text(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        let layer = RiskBook::from_json(&text, &path.display().to_string()).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut book = RiskBook::bundled();
        book.layer(layer);
        catalog.set_risk(book);
    }
    for path in &global.catalogs {
        let export = crate::model::read::grants::read_export_file(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        if !export.kind.is_catalog() {
            anyhow::bail!(
                "{}: --catalog wants a resource's service principal or its appRoles / scopes, but this is {}",
                safe(&path.display().to_string()),
                export.kind.describe()
            );
        }
        for entries in &export.catalogs {
            crate::model::grants::extend_catalog(&mut catalog, entries, global.catalog_resource.as_deref())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
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
        eprintln!("permscope: warning: {e} (file skipped)");
    }
}

/// Runs a command, writing to `out`. Returns the process exit code.
pub fn run(command: &Command, global: &Global, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let (catalog, report) = load_catalog(global)?;
    let result = run_on(&catalog, &report, command, global, out);
    // The process ends right after: freeing 100k rows one by one would only cost time.
    std::mem::forget(catalog);
    result
}

fn run_on(
    catalog: &Catalog,
    report: &LoadReport,
    command: &Command,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    if !matches!(command, Command::Check) {
        warn_load_errors(report);
    }
    match command {
        Command::Vendors { format } => crate::commands::vendors(catalog, *format, out),
        Command::List { filters, format, sort } => {
            let q = build_query(catalog, filters)?;
            let rows: Vec<usize> = query::run(catalog, &q, (*sort).into()).iter().map(|h| h.row).collect();
            listing::write(catalog, &rows, *format, output_width(), out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Show {
            permission,
            api,
            kind,
            format,
        } => crate::commands::show(catalog, permission, api.as_deref(), *kind, *format, out),
        Command::Check => crate::commands::check(catalog, report, out),
        Command::Export {
            filters,
            preset,
            format,
        } => {
            let selection = match preset {
                Some(p) => {
                    let q = build_query(catalog, filters)?;
                    let [product] = q.products.as_slice() else {
                        anyhow::bail!("--preset needs exactly one --product");
                    };
                    Selection::preset(catalog, *product, *p)
                }
                None => {
                    let q = build_query(catalog, filters)?;
                    Selection::from_rows(catalog, query::run(catalog, &q, Sort::Relevance).iter().map(|h| h.row))
                }
            };
            let result = export::export(catalog, &selection, *format);
            for w in &result.warnings {
                eprintln!("permscope: warning: {}", safe(w));
            }
            out.write_all(result.text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare { products, mode, format } => {
            let mut q = Query::default();
            for p in products {
                q.add_product(catalog, p)?;
            }
            if q.products.len() < 2 {
                anyhow::bail!("compare needs two or more different products");
            }
            let cmp = Comparison::new(catalog, &q.products, &Query::default());
            let text = crate::model::report::render_compare(catalog, &cmp, *mode, *format, output_width());
            out.write_all(text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { products, format } => {
            let mut q = Query::default();
            for p in products {
                q.add_product(catalog, p)?;
            }
            out.write_all(crate::model::report::report(catalog, &q.products, *format).as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            product,
            grants_files,
            format,
        } => {
            let mut q = Query::default();
            q.add_product(catalog, product)?;
            let resolved = read_grants(catalog, grants_files)?;
            let audit = crate::model::audit::audit(catalog, q.products[0], &resolved);
            let text = match format {
                AuditFormat::Json => {
                    let mut s = crate::model::text::json_pretty(&crate::model::audit::to_json(&audit));
                    s.push('\n');
                    s
                }
                AuditFormat::Markdown => crate::model::audit::to_markdown(&audit),
                AuditFormat::Table => crate::model::audit::to_table(&audit, output_width()),
            };
            out.write_all(text.as_bytes())?;
            Ok(ExitCode::from(audit.exit_code()))
        }
        Command::Import {
            file,
            product,
            vendor,
            name,
            force,
        } => {
            let text = crate::model::read::file::read_text(file).map_err(|e| anyhow::anyhow!("{e}"))?;
            let origin = file.display().to_string();
            let product_text = crate::model::import::import(catalog, &text, &origin, product, vendor, name.as_deref())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let dir = match global.data.first() {
                Some(d) => d.clone(),
                None => crate::model::import::default_data_dir().ok_or_else(|| {
                    anyhow::anyhow!("no data folder: pass --data DIR (neither XDG_DATA_HOME nor HOME is set)")
                })?,
            };
            if catalog
                .product_index(product)
                .is_some_and(|i| matches!(catalog.products[i].origin, crate::model::product::Origin::Bundled(_)))
            {
                eprintln!(
                    "permscope: note: `{}` is a bundled product; this file will replace it",
                    safe(product)
                );
            }
            let path = crate::model::import::write_product_file(&dir, product, &product_text, *force)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            say(out, &format!("wrote {}", path.display()))?;
            say(out, &format!("check it with: permscope --data {} check", dir.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Doctor => {
            let env = crate::clipboard::Env::current();
            out.write_all(crate::clipboard::doctor(&env, global.clipboard).as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Assess {
            permissions,
            api,
            kind,
            format,
        } => {
            let names: Vec<String> = if permissions.is_empty() {
                let mut text = String::new();
                std::io::Read::read_to_string(
                    &mut std::io::Read::take(std::io::stdin(), crate::model::read::file::MAX_FILE_BYTES),
                    &mut text,
                )?;
                text.lines()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect()
            } else {
                permissions.clone()
            };
            crate::commands::assess(catalog, &names, api, *kind, *format, out)
        }
    }
}

/// Writes a line of user-facing text, neutralised.
pub fn say(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    writeln!(out, "{}", safe(text))
}

/// A line on the terminal while the explorer's data loads, shown only when
/// loading takes longer than a moment, and wiped before the explorer starts.
pub struct LoadingNotice {
    done: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the notice says.
pub const LOADING: &str = "permscope: loading product files…";

impl LoadingNotice {
    /// Starts waiting; after `delay` the notice is written to `out()`, cut to
    /// `width` columns so that it stays on one line (and one wipe clears it).
    pub fn start<W: Write + 'static>(delay: std::time::Duration, width: usize, out: fn() -> W) -> LoadingNotice {
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            if wait.recv_timeout(delay) != Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                return;
            }
            let notice = crate::model::text::truncate(LOADING, width.saturating_sub(1));
            let _ = write!(out(), "{notice}");
            let _ = out().flush();
            // Done (or dropped): wipe the line so nothing is left behind.
            let _ = wait.recv();
            let _ = write!(out(), "\r\x1b[2K");
            let _ = out().flush();
        });
        LoadingNotice {
            done: Some(done),
            thread: Some(thread),
        }
    }
}

impl Drop for LoadingNotice {
    fn drop(&mut self) {
        drop(self.done.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `permscope` without a command: the explorer, when stdin and stdout are a terminal.
pub fn explore(global: &Global) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "permscope: the explorer needs a terminal. From scripts use the commands instead, e.g.\n  \
             permscope list --format plain\n  permscope list --api graph --type application --format json\n  \
             permscope show Mail.ReadWrite\n  permscope vendors\nSee permscope --help."
        );
        return Ok(ExitCode::from(2));
    }
    // Large folders take a moment: say so, unless loading is quick.
    let notice = std::io::stderr().is_terminal().then(|| {
        let width = ratatui::crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w));
        LoadingNotice::start(std::time::Duration::from_millis(150), width, std::io::stderr)
    });
    let loaded = load_catalog(global);
    drop(notice);
    let (catalog, report) = loaded?;
    // Printed before the alternate screen, so they are on the terminal after exit.
    warn_load_errors(&report);
    let mono = match global.color {
        ColorChoice::Never => true,
        ColorChoice::Always => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    };
    let grants = read_grants(&catalog, &global.grants)?;
    let mut app = crate::tui::app::App::new(catalog);
    app.grants = grants;
    if !report.errors.is_empty() {
        app.status = Some(format!(
            "{} data file(s) could not be loaded: run `permscope check` for details",
            report.errors.len()
        ));
    }
    let theme = if mono {
        crate::tui::theme::Theme::mono()
    } else {
        crate::tui::theme::Theme::colour()
    };
    let clipboard = crate::clipboard::Clipboard::new(global.clipboard, crate::clipboard::Env::current());
    let last = crate::tui::run(app, theme, clipboard)?;
    // The escape hatch: the terminal is restored, so this reaches the shell.
    if global.print
        && let Some(text) = last
    {
        std::io::stdout().write_all(text.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads grants exports (refusing catalogs) and resolves them together, so an
/// object id learned in one file helps another.
pub fn read_grants(catalog: &Catalog, files: &[PathBuf]) -> anyhow::Result<Vec<crate::model::grants::ResolvedGrant>> {
    let mut grants = Vec::new();
    for path in files {
        let export = crate::model::read::grants::read_export_file(path).map_err(|e| anyhow::anyhow!("{e}"))?;
        if export.kind.is_catalog() {
            anyhow::bail!(
                "{}: this is {}, not grants; pass it with --catalog",
                safe(&path.display().to_string()),
                export.kind.describe()
            );
        }
        grants.extend(export.grants);
    }
    Ok(crate::model::grants::resolve(catalog, &grants))
}
