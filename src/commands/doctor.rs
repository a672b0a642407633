//! `permscope doctor`: which clipboard backend a copy would use, and why.

use clap::Args;
use std::io::Write;
use std::process::ExitCode;

/// Say which clipboard backend a copy would use, and why.
#[derive(Debug, Args, Clone, Default)]
pub struct DoctorArgs {
    /// The --clipboard choice to explain (as the explorer takes it).
    #[arg(long, value_enum, value_name = "BACKEND")]
    pub clipboard: Option<crate::clipboard::ClipboardChoice>,
}

/// Says which clipboard backend a copy would use, and why.
pub fn run(choice: crate::clipboard::ClipboardChoice, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let env = crate::clipboard::Env::current();
    out.write_all(crate::clipboard::doctor(&env, choice).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
