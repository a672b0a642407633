//! What the user can ask the explorer to do, and what the explorer asks the runtime to do.

use crate::model::query::AppRef;
use crate::tui::results::FilterRequest;
use serde::{Deserialize, Serialize};

/// A user intent, produced by the keymap and consumed by `App::update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    MoveTop,
    MoveBottom,
    /// Start typing the fuzzy filter.
    OpenFilter,
    /// Keep the typed filter and return to the table.
    AcceptFilter,
    /// Leave the filter input, restoring the text it had before.
    CancelFilter,
    /// A character typed into the filter input.
    InputChar(char),
    /// Text for the filter input at once: a burst of typing run together, or
    /// a bracketed paste (line breaks become spaces; the search keeps at most
    /// [`MAX_SEARCH_CHARS`](crate::tui::app::MAX_SEARCH_CHARS) characters).
    InputText(String),
    InputBackspace,
    /// Clear the whole input line.
    InputClear,
    /// Switch focus between the table and the detail pane.
    SwitchPane,
    /// One row per product requirement, or one row per distinct permission.
    ToggleGrouping,
    CycleSort,
    CycleType,
    CyclePhase,
    CycleMinRisk,
    PickProducts,
    PickApis,
    PickWorkloads,
    /// Remove every filter and the search text.
    ClearFilters,
    /// In a picker: toggle the option under the cursor.
    PickerToggle,
    /// In a picker: keep the choice and close.
    PickerAccept,
    /// Select or unselect the permission under the cursor.
    ToggleSelect,
    /// Select every visible permission.
    SelectVisible,
    /// Invert the selection over the visible permissions.
    InvertVisible,
    ClearSelection,
    /// Audit the highlighted row's product against the grants given with --grants.
    OpenAudit,
    /// Show what the highlighted row's product can reach: every outcome, and how.
    OpenPower,
    /// Choose products to compare, then open the compare view.
    OpenCompare,
    /// Browse every permission Microsoft publishes (the catalog mode).
    OpenCatalog,
    /// List every API operation of the permission in the detail pane, or only the first.
    ToggleOperations,
    /// In the compare view: all, differences, only in one, in every product.
    CycleCompareMode,
    /// In the compare view: move the product column focus.
    PrevColumn,
    NextColumn,
    /// Select everything the focused product asks for.
    SelectColumnAll,
    /// Select what the focused product asks for beyond the other products.
    SelectColumnBeyond,
    /// Choose a ready-made set (everything, backup only...) of the highlighted row's product.
    PickPreset,
    /// Copy the selection in the last format used.
    CopySelection,
    /// Choose a format, then copy.
    PickFormat,
    /// A message from the runtime (e.g. what the clipboard did).
    ShowStatus(String),
    ToggleHelp,
    /// Show or hide the problems found loading the data.
    ToggleProblems,
    /// Close the top layer (help, picker, input); never quits.
    Close,
    /// Terminal size changed to (width, height).
    Resize(u16, u16),
    Suspend,
    Quit,
}

/// A side effect for the runtime to perform; `update` itself does no I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
    /// Put text on the clipboard; `count` permissions, for the status line;
    /// `warnings` about what the export left out, to show with the outcome.
    Copy {
        text: String,
        count: usize,
        warnings: Vec<String>,
    },
    /// Stop the process (Ctrl-Z) and redraw when it continues.
    Suspend,
    /// Search on the worker thread; the result goes to `App::filter_done`.
    Filter(FilterRequest),
    /// Work out an app's advice on the worker; it goes to `App::advice_done`.
    Advise(AppRef),
}
