//! The command line: one file per command, each with its own arguments and a
//! `run` that reads the model and writes what it returns. Nothing here
//! computes what the explorer could not show too. clap stays in this folder:
//! the model's choices are read through [`context::choice`].

pub mod advise;
pub mod assess;
pub mod audit;
pub mod catalog;
pub mod check;
pub mod colour;
pub mod compare;
pub mod completions;
pub mod context;
pub mod doctor;
pub mod explore;
pub mod export;
pub mod import;
pub mod list;
pub mod paths;
pub mod report;
pub mod show;
pub mod vendors;

use crate::commands::context::{Global, load_catalog, warn_load_errors};
use crate::model::catalog::{Catalog, LoadReport};
use clap::{CommandFactory, Parser, Subcommand};
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
    #[command(flatten)]
    pub explorer: explore::ExplorerArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// permscope's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Products with vendor, source document, counts and risk profile.
    Vendors(vendors::VendorsArgs),
    /// Requirements (vendor table rows), filtered and searched.
    List(list::ListArgs),
    /// Every product that asks for a permission, with each vendor's words.
    Show(show::ShowArgs),
    /// Every permission Microsoft publishes for the four resources, rated, with who asks for it.
    Catalog(catalog::CatalogArgs),
    /// Validate the data and report every problem; exit 1 if any.
    Check,
    /// Print the chosen permissions in a format admins paste (scopes, PowerShell,
    /// az CLI, app manifest...). Warnings (e.g. a permission without a known
    /// GUID) go to stderr.
    Export(export::ExportArgs),
    /// Say which clipboard backend a copy would use, and why.
    Doctor(doctor::DoctorArgs),
    /// Check a tenant's real grants against what a product documents, app by app.
    /// Exit 1 when anything undocumented (or unknown), or documented only for
    /// another app, is granted.
    Audit(audit::AuditArgs),
    /// Turn a manifest, a grants export or a CSV (api,permission,type,purpose,workload)
    /// into a validated product file in your data folder (--data DIR, else
    /// $XDG_DATA_HOME/permscope).
    Import(import::ImportArgs),
    /// Compare products side by side: who asks for what, and how dangerous the difference is.
    Compare(compare::CompareArgs),
    /// A procurement report for one or more products (Markdown or HTML).
    Report(report::ReportArgs),
    /// Rate permissions that need not be in any product (names as arguments or on stdin).
    Assess(assess::AssessArgs),
    /// Narrower alternatives, hardening steps and questions for the vendor, per app of a product.
    Advise(advise::AdviseArgs),
    /// What a product's whole permission set can reach (tenant takeover, lockout,
    /// every mailbox or file...), per app and overall, with the shortest paths.
    Paths(paths::PathsArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print permscope's manual page (roff), e.g. `permscope man > permscope.1`.
    Man,
}

impl Command {
    /// The command's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Vendors(_) => "vendors",
            Command::List(_) => "list",
            Command::Show(_) => "show",
            Command::Catalog(_) => "catalog",
            Command::Check => "check",
            Command::Export(_) => "export",
            Command::Doctor(_) => "doctor",
            Command::Audit(_) => "audit",
            Command::Import(_) => "import",
            Command::Compare(_) => "compare",
            Command::Report(_) => "report",
            Command::Assess(_) => "assess",
            Command::Advise(_) => "advise",
            Command::Completions(_) => "completions",
            Command::Man => "man",
            Command::Paths(_) => "paths",
        }
    }
}

/// Runs a command, writing to `out`. Returns the process exit code.
pub fn run(command: &Command, global: &Global, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    // These describe the command line itself: no data is needed.
    match command {
        Command::Completions(args) => return completions::completions(args.shell, Cli::command(), out),
        Command::Man => return completions::man(Cli::command(), out),
        _ => {}
    }
    colour::init(global.color);
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
    // Risk badges are coloured when colour is on: these commands write into
    // a buffer whose badges are then painted on the way out.
    if colour::enabled()
        && matches!(
            command,
            Command::Vendors(_) | Command::List(_) | Command::Show(_) | Command::Compare(_) | Command::Audit(_)
        )
    {
        let mut buffer = Vec::new();
        let code = run_plain(catalog, report, command, global, &mut buffer);
        colour::write(out, &String::from_utf8_lossy(&buffer))?;
        return code;
    }
    run_plain(catalog, report, command, global, out)
}

fn run_plain(
    catalog: &Catalog,
    report: &LoadReport,
    command: &Command,
    global: &Global,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    match command {
        Command::Vendors(args) => vendors::run(catalog, args.format, out),
        Command::List(args) => list::run(catalog, args, out),
        Command::Show(args) => show::run(
            catalog,
            &args.permission,
            args.api.as_deref(),
            args.kind,
            args.operations,
            args.format,
            out,
        ),
        Command::Catalog(args) => catalog::run(catalog, args, out),
        Command::Check => check::run(catalog, report, out),
        Command::Export(args) => export::run(catalog, args, out),
        Command::Doctor(args) => doctor::run(args.clipboard.unwrap_or_default(), out),
        Command::Audit(args) => audit::run(catalog, args, out),
        Command::Import(args) => import::run(catalog, args, global, out),
        Command::Compare(args) => compare::run(catalog, args, out),
        Command::Report(args) => report::run(catalog, args, global, out),
        Command::Advise(args) => advise::run(catalog, args, out),
        Command::Paths(args) => paths::run(catalog, args, out),
        Command::Assess(args) => {
            let names = assess::names(args)?;
            assess::run(catalog, &names, &args.api, args.kind, args.format, out)
        }
        Command::Completions(args) => completions::completions(args.shell, Cli::command(), out),
        Command::Man => completions::man(Cli::command(), out),
    }
}
