//! The keymap: every binding with its description. Help, status hints and the
//! README's key table are all generated from this one list.

use crate::tui::action::Action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Which layer has the keyboard; derived from what is visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Focus {
    Help,
    Picker,
    Input,
    Detail,
    Table,
}

impl Focus {
    pub fn label(self) -> &'static str {
        match self {
            Focus::Help => "Help",
            Focus::Picker => "Picker",
            Focus::Input => "Filter input",
            Focus::Detail => "Detail pane",
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

const BROWSE: &[Focus] = &[Focus::Table, Focus::Detail];
const ANY: &[Focus] = &[Focus::Table, Focus::Detail, Focus::Input, Focus::Picker, Focus::Help];

/// The keymap.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        let b = |keys: Vec<Chord>,
                 action: Action,
                 focus: &'static [Focus],
                 desc: &'static str,
                 hint: Option<&'static str>| {
            Binding {
                keys,
                action,
                focus,
                desc,
                hint,
            }
        };
        let picker: &'static [Focus] = &[Focus::Picker];
        let input: &'static [Focus] = &[Focus::Input];
        let help: &'static [Focus] = &[Focus::Help];
        let moving: &'static [Focus] = &[Focus::Table, Focus::Detail, Focus::Picker, Focus::Help];
        let close: &'static [Focus] = &[Focus::Help, Focus::Picker, Focus::Detail];
        Keymap {
            bindings: vec![
                b(vec![ctrl('c')], Action::Quit, ANY, "quit at once", None),
                b(vec![key('q')], Action::Quit, BROWSE, "quit", Some("quit")),
                b(
                    vec![key('j'), code(KeyCode::Down)],
                    Action::MoveDown,
                    moving,
                    "move down",
                    None,
                ),
                b(
                    vec![key('k'), code(KeyCode::Up)],
                    Action::MoveUp,
                    moving,
                    "move up",
                    None,
                ),
                b(
                    vec![ctrl('d'), code(KeyCode::PageDown)],
                    Action::PageDown,
                    moving,
                    "half a page down",
                    None,
                ),
                b(
                    vec![ctrl('u'), code(KeyCode::PageUp)],
                    Action::PageUp,
                    moving,
                    "half a page up",
                    None,
                ),
                b(
                    vec![key('g'), code(KeyCode::Home)],
                    Action::MoveTop,
                    moving,
                    "go to the top",
                    None,
                ),
                b(
                    vec![key('G'), code(KeyCode::End)],
                    Action::MoveBottom,
                    moving,
                    "go to the bottom",
                    None,
                ),
                b(
                    vec![key('/')],
                    Action::OpenFilter,
                    BROWSE,
                    "fuzzy search (permission, description, purpose, product)",
                    Some("search"),
                ),
                b(
                    vec![code(KeyCode::Tab)],
                    Action::SwitchPane,
                    BROWSE,
                    "switch between table and detail pane",
                    Some("pane"),
                ),
                b(
                    vec![key('m')],
                    Action::ToggleGrouping,
                    BROWSE,
                    "one row per product row / per distinct permission",
                    Some("merge"),
                ),
                b(
                    vec![key('s')],
                    Action::CycleSort,
                    BROWSE,
                    "cycle sort: relevance, risk, name, API, product",
                    Some("sort"),
                ),
                b(
                    vec![key('p')],
                    Action::PickProducts,
                    BROWSE,
                    "choose products",
                    Some("products"),
                ),
                b(vec![key('a')], Action::PickApis, BROWSE, "choose APIs", None),
                b(vec![key('w')], Action::PickWorkloads, BROWSE, "choose workloads", None),
                b(
                    vec![key('t')],
                    Action::CycleType,
                    BROWSE,
                    "cycle type: any, application, delegated",
                    None,
                ),
                b(
                    vec![key('f')],
                    Action::CyclePhase,
                    BROWSE,
                    "cycle phase: any, discovery, backup, recovery",
                    None,
                ),
                b(
                    vec![key('r')],
                    Action::CycleMinRisk,
                    BROWSE,
                    "cycle minimum risk: any, low, medium, high, critical",
                    Some("risk"),
                ),
                b(
                    vec![key('x')],
                    Action::ClearFilters,
                    BROWSE,
                    "clear every filter and the search",
                    Some("clear"),
                ),
                b(
                    vec![key(' ')],
                    Action::ToggleSelect,
                    BROWSE,
                    "select or unselect the permission (and move down)",
                    Some("select"),
                ),
                b(
                    vec![key('v')],
                    Action::SelectVisible,
                    BROWSE,
                    "select every visible permission",
                    None,
                ),
                b(
                    vec![key('V')],
                    Action::InvertVisible,
                    BROWSE,
                    "invert the selection over the visible rows",
                    None,
                ),
                b(
                    vec![key('U')],
                    Action::ClearSelection,
                    BROWSE,
                    "clear the selection",
                    None,
                ),
                b(
                    vec![key('P')],
                    Action::PickPreset,
                    BROWSE,
                    "select a preset of the row's product (all, backup only, delegated, critical)",
                    None,
                ),
                b(
                    vec![key('y')],
                    Action::CopySelection,
                    BROWSE,
                    "copy the selection (last format; names at first)",
                    Some("copy"),
                ),
                b(
                    vec![key('Y')],
                    Action::PickFormat,
                    BROWSE,
                    "choose a format and copy (names, scopes, JSON, CSV, Markdown, PowerShell, az, manifest)",
                    None,
                ),
                b(
                    vec![key('?')],
                    Action::ToggleHelp,
                    &[Focus::Table, Focus::Detail, Focus::Help],
                    "show or hide this help",
                    Some("help"),
                ),
                b(
                    vec![ctrl('z')],
                    Action::Suspend,
                    BROWSE,
                    "suspend to the shell (fg to return)",
                    None,
                ),
                b(
                    vec![code(KeyCode::Esc)],
                    Action::Close,
                    close,
                    "close the top layer (never quits)",
                    None,
                ),
                b(
                    vec![key(' ')],
                    Action::PickerToggle,
                    picker,
                    "tick or untick the option",
                    Some("tick"),
                ),
                b(
                    vec![code(KeyCode::Enter)],
                    Action::PickerAccept,
                    picker,
                    "apply and close",
                    Some("apply"),
                ),
                b(
                    vec![code(KeyCode::Enter)],
                    Action::AcceptFilter,
                    input,
                    "keep the search and return to the table",
                    Some("keep"),
                ),
                b(
                    vec![code(KeyCode::Esc)],
                    Action::CancelFilter,
                    input,
                    "leave the search, restoring what it was",
                    Some("cancel"),
                ),
                b(
                    vec![code(KeyCode::Backspace)],
                    Action::InputBackspace,
                    input,
                    "delete a character",
                    None,
                ),
                b(
                    vec![ctrl('u')],
                    Action::InputClear,
                    input,
                    "clear the search text",
                    None,
                ),
                b(
                    vec![code(KeyCode::Down)],
                    Action::MoveDown,
                    input,
                    "move down while typing",
                    None,
                ),
                b(
                    vec![code(KeyCode::Up)],
                    Action::MoveUp,
                    input,
                    "move up while typing",
                    None,
                ),
                b(vec![key('q')], Action::Close, help, "close help", None),
            ],
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
