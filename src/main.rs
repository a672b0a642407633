//! permscope's entry point: parse arguments, load and validate data before any
//! terminal mode, then run a command.
#![forbid(unsafe_code)]

use clap::Parser;
use permscope::commands::{Cli, run};
use permscope::model::text::Neutral;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The detached helper that keeps copied text available after exit (X11).
    if std::env::args_os().nth(1).as_deref() == Some(std::ffi::OsStr::new(permscope::clipboard::SERVE_ARG)) {
        return match permscope::clipboard::serve_from_stdin() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("{e:#}")),
        };
    }
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors quote what was typed: they leave through the door too.
            let text = e.render().to_string();
            if e.use_stderr() {
                let _ = write!(Neutral::new(std::io::stderr().lock()), "{text}");
            } else {
                let _ = write!(Neutral::new(std::io::stdout().lock()), "{text}");
            }
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    if cli.global.risk_rules.is_none() {
        cli.global.risk_rules = cli.risk.take();
    }
    // `permscope --clipboard osc52 doctor` explains that choice.
    if let Some(permscope::commands::Command::Doctor(args)) = cli.command.as_mut()
        && args.clipboard.is_none()
    {
        args.clipboard = cli.explorer.clipboard.take();
    }
    if let Some(command) = cli.command.as_ref()
        && let Some(problem) = cli.explorer.misplaced(command.name())
    {
        return fail(&problem);
    }
    let Some(command) = cli.command.as_ref() else {
        return match permscope::commands::explore::explore(&cli.global, &cli.explorer) {
            Ok(code) => code,
            Err(e) => fail(&format!("{e:#}")),
        };
    };
    // Everything a command prints leaves through one door that neutralises it.
    let mut stdout = Neutral::new(std::io::stdout().lock());
    match run(command, &cli.global, &mut stdout) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`permscope list | head`) is not an error.
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return ExitCode::SUCCESS;
            }
            fail(&format!("{e:#}"))
        }
    }
}

/// Reports an error on stderr (its own line breaks kept, anything unsafe
/// escaped) and gives the exit code for it.
fn fail(message: &str) -> ExitCode {
    let _ = writeln!(Neutral::new(std::io::stderr().lock()), "permscope: error: {message}");
    ExitCode::from(2)
}
