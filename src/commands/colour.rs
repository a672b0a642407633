//! Colour on the command line: risk badges in the colours the explorer uses,
//! when `--color` says so (`always`; `auto` on a terminal without NO_COLOR).
//!
//! A command's text is written as it always is; when colour is on, the
//! badges in it are wrapped in the program's own SGR sequences
//! ([`Sgr`]), which the door (`model::text::Neutral`) lets through by
//! identity while it still neutralises everything else, so nothing read from
//! a file can colour, move or hide anything.

use crate::commands::context::ColorChoice;
use crate::model::level::RiskLevel;
use crate::model::text::Sgr;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static ON: AtomicBool = AtomicBool::new(false);

/// Decides once per run whether commands colour their badges.
pub fn init(choice: ColorChoice) {
    use std::io::IsTerminal;
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => no_color_unset() && std::io::stdout().is_terminal(),
    };
    ON.store(on, Ordering::Relaxed);
}

/// True unless NO_COLOR is set to something (<https://no-color.org>).
pub fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether badges are coloured in this run.
pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// The colour of a level's badge.
fn sgr(level: RiskLevel) -> Sgr {
    match level {
        RiskLevel::Critical => Sgr::Critical,
        RiskLevel::High => Sgr::High,
        RiskLevel::Medium => Sgr::Medium,
        RiskLevel::Low => Sgr::Low,
        RiskLevel::Unknown => Sgr::Unknown,
    }
}

/// The level a badge or level word stands for (`CRIT`, `critical`).
fn level_of(word: &str) -> Option<RiskLevel> {
    RiskLevel::ALL
        .iter()
        .copied()
        .find(|l| l.badge() == word || l.as_str() == word)
}

/// Where the badges of a line are: byte ranges with their level. Only the
/// places the commands put a badge count, so a word in a description is
/// never painted:
/// - a table row: the first word, after indentation and a `!` flag (`list`,
///   the `compare` matrix and bars, `audit`);
/// - a profile: each `N BADGE` before ` of ` (`vendors`, `compare`);
/// - `show`'s rating: the word after `risk: `.
pub fn badges(line: &str) -> Vec<(std::ops::Range<usize>, RiskLevel)> {
    let mut found = Vec::new();
    let body = line.trim_start();
    let mut start = line.len() - body.len();
    let body = match body.strip_prefix("! ") {
        Some(rest) => {
            start += 2;
            rest
        }
        None => body,
    };
    let first = body.split(' ').next().unwrap_or("");
    if let Some(level) = level_of(first).filter(|_| first == first.to_uppercase()) {
        found.push((start..start + first.len(), level));
        return found;
    }
    if let Some(at) = line.find("risk: ") {
        let from = at + "risk: ".len();
        let word = line[from..].split([' ', ',']).next().unwrap_or("");
        if let Some(level) = level_of(word) {
            found.push((from..from + word.len(), level));
            return found;
        }
    }
    // "6 CRIT 7 HIGH 2 MED 3 LOW 1 UNK of 19 distinct permissions"
    if let Some(end) = line.find(" of ") {
        let mut offset = 0;
        let words: Vec<&str> = line[..end].split(' ').collect();
        for (k, word) in words.iter().enumerate() {
            let after_number = k > 0 && !words[k - 1].is_empty() && words[k - 1].chars().all(|c| c.is_ascii_digit());
            if after_number
                && word.len() >= 3
                && *word == word.to_uppercase()
                && let Some(level) = level_of(word)
            {
                found.push((offset..offset + word.len(), level));
            }
            offset += word.len() + 1;
        }
    }
    found
}

/// Writes `text` to `out`, colouring its badges when colour is on.
pub fn write(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    if !enabled() {
        return out.write_all(text.as_bytes());
    }
    paint(out, text)
}

/// Writes `text` with its badges coloured, whatever the setting.
pub fn paint(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    for line in text.split_inclusive('\n') {
        let mut at = 0;
        for (range, level) in badges(line.trim_end_matches('\n')) {
            out.write_all(&line.as_bytes()[at..range.start])?;
            sgr(level).write(out)?;
            out.write_all(&line.as_bytes()[range.clone()])?;
            Sgr::Reset.write(out)?;
            at = range.end;
        }
        out.write_all(&line.as_bytes()[at..])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn painted(text: &str) -> String {
        let mut out = Vec::new();
        paint(&mut out, text).unwrap();
        String::from_utf8(out).unwrap().replace('\u{1b}', "ESC")
    }

    #[test]
    fn badges_are_found_where_commands_put_them() {
        assert_eq!(
            painted("HIGH   Mail.Read  x HIGH\n"),
            "ESC[1;91mHIGHESC[0m   Mail.Read  x HIGH\n"
        );
        assert_eq!(painted("! CRIT  Directory\n"), "! ESC[1;97;41mCRITESC[0m  Directory\n");
        assert_eq!(
            painted("  risk: critical (score 90)"),
            "  risk: ESC[1;97;41mcriticalESC[0m (score 90)"
        );
        assert_eq!(
            painted("    profile: 6 CRIT 1 UNK of 19 LOW things"),
            "    profile: 6 ESC[1;97;41mCRITESC[0m 1 ESC[35mUNKESC[0m of 19 LOW things"
        );
        // Prose is left alone: lower case at the start, or a badge not after a number.
        assert_eq!(painted("high time\nthe LOW of it"), "high time\nthe LOW of it");
    }
}
