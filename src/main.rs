//! permscope's entry point: parse arguments, load and validate data before any
//! terminal mode, then run a command.
#![forbid(unsafe_code)]

use clap::Parser;
use permscope::cli::{Cli, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    // The detached helper that keeps copied text available after exit (X11).
    if std::env::args_os().nth(1).as_deref() == Some(std::ffi::OsStr::new(permscope::clipboard::SERVE_ARG)) {
        return match permscope::clipboard::serve_from_stdin() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("permscope: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors quote what was typed: neutralise before it reaches the terminal.
            let text = e.render().to_string();
            let safe: String = text
                .lines()
                .map(|l| permscope::model::text::neutralise(l).into_owned() + "\n")
                .collect();
            if e.use_stderr() {
                eprint!("{safe}");
            } else {
                print!("{safe}");
            }
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    if cli.global.risk_rules.is_none() {
        cli.global.risk_rules = cli.risk.take();
    }
    let Some(command) = cli.command.as_ref() else {
        return match permscope::cli::explore(&cli.global) {
            Ok(code) => code,
            Err(e) => {
                eprintln!(
                    "permscope: error: {}",
                    permscope::model::text::neutralise(&format!("{e:#}"))
                );
                ExitCode::from(2)
            }
        };
    };
    let mut stdout = std::io::stdout().lock();
    match run(command, &cli.global, &mut stdout) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`permscope list | head`) is not an error.
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "permscope: error: {}",
                permscope::model::text::neutralise(&format!("{e:#}"))
            );
            ExitCode::from(2)
        }
    }
}
