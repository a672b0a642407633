//! The keymap: every binding with its description. Help, status hints and the
//! README's key table are all generated from this one list.

use crate::tui::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Which layer has the keyboard; derived from what is visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    Help,
    Problems,
    Picker,
    Input,
    Audit,
    Power,
    Catalog,
    Compare,
    Detail,
    Table,
}

impl Focus {
    pub fn label(self) -> &'static str {
        match self {
            Focus::Help => "Help",
            Focus::Problems => "Problems",
            Focus::Picker => "Picker",
            Focus::Input => "Filter input",
            Focus::Detail => "Detail pane",
            Focus::Compare => "Compare view",
            Focus::Audit => "Audit screen",
            Focus::Power => "Effective power",
            Focus::Catalog => "Catalog",
            Focus::Table => "Table",
        }
    }
}

/// A key with modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn key(c: char) -> Chord {
    Chord {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Chord {
    Chord {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn code(code: KeyCode) -> Chord {
    Chord {
        code,
        mods: KeyModifiers::NONE,
    }
}

impl Chord {
    /// How the key is written in help and the README.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

/// One binding: keys, the action, where it applies and what it does.
#[derive(Debug, Clone)]
pub struct Binding {
    pub keys: Vec<Chord>,
    pub action: Action,
    pub focus: &'static [Focus],
    pub desc: &'static str,
    /// Shown in the status bar hints.
    pub hint: Option<&'static str>,
}

/// Where the browsing keys work: the table, its detail pane, the compare view and the catalog.
const BROWSE: &[Focus] = &[Focus::Table, Focus::Detail, Focus::Compare, Focus::Catalog];
/// Keys that only make sense on the requirements table.
const TABLE: &[Focus] = &[Focus::Table, Focus::Detail];
/// Filters apply in the table, the compare view and the catalog alike.
const FILTERS: &[Focus] = &[Focus::Table, Focus::Detail, Focus::Compare, Focus::Catalog];
/// Keys of a permission list: the table and the catalog.
const LISTS: &[Focus] = &[Focus::Table, Focus::Detail, Focus::Catalog];
const COMPARE: &[Focus] = &[Focus::Compare];
const MOVING: &[Focus] = &[
    Focus::Table,
    Focus::Detail,
    Focus::Compare,
    Focus::Catalog,
    Focus::Audit,
    Focus::Power,
    Focus::Picker,
    Focus::Help,
    Focus::Problems,
];
const CLOSE: &[Focus] = &[
    Focus::Help,
    Focus::Problems,
    Focus::Picker,
    Focus::Audit,
    Focus::Power,
    Focus::Detail,
    Focus::Compare,
    Focus::Catalog,
];
const PICKER: &[Focus] = &[Focus::Picker];
const INPUT: &[Focus] = &[Focus::Input];
const HELP: &[Focus] = &[Focus::Help];
const ANY: &[Focus] = &[
    Focus::Table,
    Focus::Detail,
    Focus::Compare,
    Focus::Catalog,
    Focus::Audit,
    Focus::Power,
    Focus::Input,
    Focus::Picker,
    Focus::Help,
    Focus::Problems,
];
/// Where the list of load problems opens and closes.
const PROBLEMS: &[Focus] = &[
    Focus::Table,
    Focus::Detail,
    Focus::Compare,
    Focus::Catalog,
    Focus::Audit,
    Focus::Power,
    Focus::Problems,
];

impl Binding {
    /// True when the binding works whatever has the keyboard.
    pub fn anywhere(&self) -> bool {
        self.focus == ANY
    }
}

/// The keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

/// One row of the binding table: keys, action, where, description, status-bar hint.
type Row = (Vec<Chord>, Action, &'static [Focus], &'static str, Option<&'static str>);

impl Default for Keymap {
    #[rustfmt::skip]
    fn default() -> Self {
        let rows: Vec<Row> = vec![
            (vec![ctrl('c')], Action::Quit, ANY, "quit at once", None),
            (vec![key('q')], Action::Quit, &[Focus::Table, Focus::Detail, Focus::Compare, Focus::Catalog, Focus::Audit, Focus::Power], "quit", Some("quit")),
            (vec![key('j'), code(KeyCode::Down)], Action::MoveDown, MOVING, "move down", None),
            (vec![key('k'), code(KeyCode::Up)], Action::MoveUp, MOVING, "move up", None),
            (vec![ctrl('d'), code(KeyCode::PageDown)], Action::PageDown, MOVING, "half a page down", None),
            (vec![ctrl('u'), code(KeyCode::PageUp)], Action::PageUp, MOVING, "half a page up", None),
            (vec![key('g'), code(KeyCode::Home)], Action::MoveTop, MOVING, "go to the top", None),
            (vec![key('G'), code(KeyCode::End)], Action::MoveBottom, MOVING, "go to the bottom", None),
            (vec![key('/')], Action::OpenFilter, FILTERS, "fuzzy search (permission, description, purpose, product)", Some("search")),
            (vec![code(KeyCode::Tab)], Action::SwitchPane, TABLE, "switch between table and detail pane", Some("pane")),
            (vec![key('m')], Action::ToggleGrouping, TABLE, "one row per product row / per distinct permission", Some("merge")),
            (vec![key('s')], Action::CycleSort, LISTS, "cycle sort: relevance, risk, name, API, product", Some("sort")),
            (vec![key('p')], Action::PickProducts, TABLE, "choose products", Some("products")),
            (vec![key('a')], Action::PickApis, FILTERS, "choose APIs", None),
            (vec![key('w')], Action::PickWorkloads, FILTERS, "choose workloads", None),
            (vec![key('t')], Action::CycleType, FILTERS, "cycle type: any, application, delegated", None),
            (vec![key('f')], Action::CyclePhase, FILTERS, "cycle phase: any, discovery, backup, recovery", None),
            (vec![key('r')], Action::CycleMinRisk, FILTERS, "cycle minimum risk: any, low, medium, high, critical", Some("risk")),
            (vec![key('x')], Action::ClearFilters, FILTERS, "clear every filter and the search", Some("clear")),
            (vec![key('c')], Action::OpenCompare, TABLE, "compare products side by side", Some("compare")),
            (vec![key('u')], Action::OpenAudit, TABLE, "audit the row's product against the --grants files", None),
            (vec![key('e')], Action::OpenPower, TABLE, "what the row's product can reach (tenant takeover, every mailbox...) and how", Some("power")),
            (vec![key('M')], Action::OpenCatalog, TABLE, "browse every permission Microsoft publishes (the catalog)", Some("catalog")),
            (vec![key('o')], Action::ToggleOperations, LISTS, "list every API operation of the permission, or the first few", None),
            (vec![key('m')], Action::CycleCompareMode, COMPARE, "cycle rows: all, differences, only in one, in every product", Some("mode")),
            (vec![key('h'), code(KeyCode::Left)], Action::PrevColumn, COMPARE, "focus the previous product column", None),
            (vec![key('l'), code(KeyCode::Right)], Action::NextColumn, COMPARE, "focus the next product column", None),
            (vec![key('e')], Action::SelectColumnAll, COMPARE, "select everything the focused product asks for", Some("all of it")),
            (vec![key('b')], Action::SelectColumnBeyond, COMPARE, "select what the focused product asks beyond the others", Some("beyond")),
            (vec![key(' ')], Action::ToggleSelect, BROWSE, "select or unselect the permission (and move down)", Some("select")),
            (vec![key('v')], Action::SelectVisible, BROWSE, "select every visible permission", None),
            (vec![key('V')], Action::InvertVisible, BROWSE, "invert the selection over the visible rows", None),
            (vec![key('U')], Action::ClearSelection, BROWSE, "clear the selection", None),
            (vec![key('P')], Action::PickPreset, TABLE, "select a preset of the row's product (all, backup only, delegated, critical, one app)", None),
            (vec![key('y')], Action::CopySelection, BROWSE, "copy the selection (last format; names at first)", Some("copy")),
            (vec![key('Y')], Action::PickFormat, BROWSE, "choose a format and copy (names, scopes, JSON, CSV, Markdown, PowerShell, az, manifest)", None),
            (vec![key('?')], Action::ToggleHelp, &[Focus::Table, Focus::Detail, Focus::Compare, Focus::Catalog, Focus::Audit, Focus::Power, Focus::Help], "show or hide this help", Some("help")),
            (vec![key('!')], Action::ToggleProblems, PROBLEMS, "list the problems found loading the data (files skipped, folders missing)", None),
            (vec![ctrl('z')], Action::Suspend, BROWSE, "suspend to the shell (fg to return)", None),
            (vec![code(KeyCode::Esc)], Action::Close, CLOSE, "close the top layer (never quits)", Some("close")),
            (vec![key(' ')], Action::PickerToggle, PICKER, "tick or untick the option", Some("tick")),
            (vec![code(KeyCode::Enter)], Action::PickerAccept, PICKER, "apply and close", Some("apply")),
            (vec![code(KeyCode::Enter)], Action::AcceptFilter, INPUT, "keep the search and return", Some("keep")),
            (vec![code(KeyCode::Esc)], Action::CancelFilter, INPUT, "leave the search, restoring what it was", Some("cancel")),
            (vec![code(KeyCode::Backspace)], Action::InputBackspace, INPUT, "delete a character", None),
            (vec![ctrl('u')], Action::InputClear, INPUT, "clear the search text", None),
            (vec![code(KeyCode::Down)], Action::MoveDown, INPUT, "move down while typing", None),
            (vec![code(KeyCode::Up)], Action::MoveUp, INPUT, "move up while typing", None),
            (vec![key('q')], Action::Close, HELP, "close help", None),
            (vec![key('q')], Action::Close, &[Focus::Problems], "close the list of problems", Some("close")),
        ];
        Keymap {
            bindings: rows
                .into_iter()
                .map(|(keys, action, focus, desc, hint)| Binding { keys, action, focus, desc, hint })
                .collect(),
        }
    }
}

impl Keymap {
    /// The action for a key event in a focus. Only presses count (Windows also
    /// sends releases); Shift is folded into the character.
    pub fn action_for(&self, event: &KeyEvent, focus: Focus) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let mut mods = event.modifiers - KeyModifiers::SHIFT;
        let mut code = event.code;
        if let KeyCode::Char(c) = code
            && event.modifiers.contains(KeyModifiers::SHIFT)
        {
            code = KeyCode::Char(c.to_ascii_uppercase());
        }
        mods &= KeyModifiers::CONTROL | KeyModifiers::ALT;
        let chord = Chord { code, mods };
        if let Some(b) = self
            .bindings
            .iter()
            .find(|b| b.focus.contains(&focus) && b.keys.contains(&chord))
        {
            return Some(b.action.clone());
        }
        if focus == Focus::Input
            && let KeyCode::Char(c) = code
            && mods.is_empty()
        {
            return Some(Action::InputChar(c));
        }
        None
    }

    /// Bindings that apply in a focus, in keymap order.
    pub fn for_focus(&self, focus: Focus) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.focus.contains(&focus))
    }

    /// Short hints for the status bar: `key label` pairs, help and quit first
    /// so that a narrow terminal still shows the way out.
    pub fn hints(&self, focus: Focus) -> Vec<(String, &'static str)> {
        let first = |b: &&Binding| !matches!(b.action, Action::ToggleHelp | Action::Quit);
        let mut bindings: Vec<&Binding> = self.for_focus(focus).filter(|b| b.hint.is_some()).collect();
        bindings.sort_by_key(first);
        bindings
            .into_iter()
            .filter_map(|b| b.hint.map(|h| (b.keys[0].label(), h)))
            .collect()
    }

    /// The README's key table, as Markdown rows `| keys | where | what |`.
    pub fn markdown_rows(&self) -> Vec<String> {
        self.bindings
            .iter()
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(|k| format!("`{}`", k.label())).collect();
                let wher = if b.focus == ANY {
                    "anywhere".to_string()
                } else {
                    b.focus.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")
                };
                format!("| {} | {} | {} |", keys.join(" "), wher, b.desc)
            })
            .collect()
    }
}
