//! Named choices: the values a user picks from (an output format, a compare
//! mode, a preset), each with the name files and the command line use and one
//! line saying what it is. The command line and the explorer's pickers both
//! offer them from here, so the model needs no command-line crate.

/// A closed set of named values a user can choose from.
pub trait Choice: Copy + Send + Sync + 'static {
    /// Every value, in the order it is offered.
    fn all() -> &'static [Self];
    /// The name the command line and files use (`markdown`, `backup-only`).
    fn name(self) -> &'static str;
    /// What the value means, in a few words.
    fn help(self) -> &'static str;
    /// Other spellings accepted for it (`md` for `markdown`).
    fn aliases(self) -> &'static [&'static str] {
        &[]
    }

    /// The value called `text` (its name or an alias, ignoring ASCII case).
    fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        Self::all()
            .iter()
            .copied()
            .find(|v| v.name().eq_ignore_ascii_case(t) || v.aliases().iter().any(|a| a.eq_ignore_ascii_case(t)))
    }
}
