//! `permscope completions SHELL` and `permscope man`: the shell completion
//! scripts and the manual page, generated from the same clap definition the
//! program parses with, so they never fall behind its options.

use clap::Args;
use clap_complete::Shell;
use std::io::Write;
use std::process::ExitCode;

/// Print a shell completion script.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish. Load it with e.g.
    /// `permscope completions bash > ~/.local/share/bash-completion/completions/permscope`.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// Writes the completion script for `shell` of `command` (the program's parser).
pub fn completions(shell: Shell, mut command: clap::Command, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    // Into a buffer first: the generator panics when its writer fails (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "permscope", &mut script);
    out.write_all(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the manual page (roff) of `command`: the main page, then one section per
/// command with its own options, so `man ./permscope.1` shows them all.
pub fn man(mut command: clap::Command, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    // Built, so that each command carries the options every command shares.
    command.build();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    for sub in command.get_subcommands() {
        let name = format!("permscope {}", sub.get_name());
        let man = clap_mangen::Man::new(sub.clone().name(name.clone()).bin_name(name.clone()));
        let mut part = Vec::new();
        man.render_synopsis_section(&mut part)?;
        man.render_description_section(&mut part)?;
        man.render_options_section(&mut part)?;
        // A command's sections are subsections of its own section here.
        let text = String::from_utf8_lossy(&part).replace(".SH ", ".SS ");
        page.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        page.extend_from_slice(text.as_bytes());
    }
    out.write_all(&page)?;
    Ok(ExitCode::SUCCESS)
}
