//! `permscope doctor`: which clipboard backend a copy would use, and why.

use crate::commands::context::Global;
use std::io::Write;
use std::process::ExitCode;

/// Says which clipboard backend a copy would use, and why.
pub fn run(global: &Global, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let env = crate::clipboard::Env::current();
    out.write_all(crate::clipboard::doctor(&env, global.clipboard).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
