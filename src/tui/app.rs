//! The explorer's state and its pure `update`: actions in, effects out.

use crate::model::catalog::Catalog;
use crate::model::compare::{CompareMode, Comparison};
use crate::model::export::{self, ExportFormat};
use crate::model::level::RiskLevel;
use crate::model::permission::PermissionKind;
use crate::model::product::Phase;
use crate::model::query::{self, Hit, PermissionGroup, Query, Sort};
use crate::model::selection::{self, Preset, Selection};
use crate::tui::action::{Action, Effect};
use crate::tui::keymap::Focus;
use crate::tui::results::{FilterResult, Next, Results};
use std::sync::Arc;

/// Longest search text, in characters: fuzzy matching costs time in the
/// length of the search times that of each field searched.
pub const MAX_SEARCH_CHARS: usize = 200;

/// Which facet a picker edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Products,
    Apis,
    Workloads,
}

impl Facet {
    pub fn title(self) -> &'static str {
        match self {
            Facet::Products => "Products",
            Facet::Apis => "APIs",
            Facet::Workloads => "Workloads",
        }
    }
}

/// The compare view's state: the comparison and where the reviewer is in it.
#[derive(Debug, Clone)]
pub struct CompareView {
    pub cmp: Comparison,
    pub mode: CompareMode,
    /// Matrix rows shown in this mode (indices into `cmp.rows`).
    pub visible: Vec<usize>,
    pub cursor: usize,
    /// Focused product column (position in `cmp.products`).
    pub column: usize,
}

impl CompareView {
    /// The matrix row under the cursor.
    pub fn current(&self) -> Option<&crate::model::compare::MatrixRow> {
        self.visible.get(self.cursor).map(|&i| &self.cmp.rows[i])
    }
}

/// What a picker chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    /// Products to compare (two or more).
    Compare,
    /// Tick any number of a facet's values.
    Facet(Facet),
    /// One export format, then copy.
    Format,
    /// One preset of a product (by index).
    Preset(usize),
}

/// A popup list: multi-choice for facets, single choice otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub kind: PickerKind,
    pub options: Vec<String>,
    /// Ticks, for facets only.
    pub ticked: Vec<bool>,
    pub cursor: usize,
}

impl Picker {
    /// Title and how to use it.
    pub fn title(&self, catalog: &Catalog) -> String {
        match self.kind {
            PickerKind::Facet(f) => format!(
                "{} — Space ticks, Enter applies, Esc cancels (none ticked = all)",
                f.title()
            ),
            PickerKind::Compare => "Compare — tick two or more products, Enter compares, Esc cancels".into(),
            PickerKind::Format => "Copy as — Enter copies, Esc cancels".into(),
            PickerKind::Preset(p) => format!("Select from {} — Enter selects, Esc cancels", catalog.products[p].slug),
        }
    }

    /// True when options carry ticks.
    pub fn multi(&self) -> bool {
        matches!(self.kind, PickerKind::Facet(_) | PickerKind::Compare)
    }
}

/// One line of the table: a requirement row, or a distinct permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Row(usize),
    /// Boxed: a row entry stays 16 bytes, and there are 100,000s of those.
    Group(Box<PermissionGroup>),
}

impl Entry {
    /// The requirement rows this entry stands for.
    pub fn rows(&self) -> &[usize] {
        match self {
            Entry::Row(r) => std::slice::from_ref(r),
            Entry::Group(g) => &g.rows,
        }
    }
}

/// Explorer state. Rendering reads it; only `update` changes it.
pub struct App {
    /// Shared with the filter worker.
    pub catalog: Arc<Catalog>,
    pub query: Query,
    pub sort: Sort,
    pub grouped: bool,
    /// Whether `entries` are groups (see [`App::shows_groups`]).
    shown_grouped: bool,
    /// What the table shows (rows or groups of `hits`).
    pub entries: Vec<Entry>,
    pub cursor: usize,
    /// The filter input, when open: the text before it was opened.
    pub input_before: Option<String>,
    pub picker: Option<Picker>,
    pub help: bool,
    pub help_scroll: u16,
    pub detail_focus: bool,
    pub detail_scroll: u16,
    /// Last known terminal size, for paging.
    pub size: (u16, u16),
    /// A one-line message for the status bar.
    pub status: Option<String>,
    /// Permissions picked for export; survives filtering.
    pub selection: Selection,
    /// Format `y` copies in.
    pub export_format: ExportFormat,
    /// The text of the last copy, for `--print`.
    pub last_copied: Option<String>,
    /// The compare view, when open.
    pub compare: Option<CompareView>,
    /// Grants from --grants, resolved against the catalog, for the audit screen.
    pub grants: Vec<crate::model::grants::ResolvedGrant>,
    /// The audit screen, when open, and its scroll.
    pub audit: Option<(crate::model::audit::Audit, u16)>,
    /// The shown search result, recent ones, and whether the worker searches.
    results: Results,
    /// Selected permissions the filters hide (kept up to date by `update`).
    selected_hidden: usize,
}

impl App {
    /// A new explorer over `catalog`, showing everything.
    pub fn new(catalog: Catalog) -> App {
        App::shared(Arc::new(catalog))
    }

    /// A new explorer over a catalog shared with others (another window, a bench).
    pub fn shared(catalog: Arc<Catalog>) -> App {
        let results = Results::new(&catalog);
        let mut app = App {
            catalog,
            query: Query::default(),
            sort: Sort::Relevance,
            grouped: false,
            shown_grouped: false,
            entries: Vec::new(),
            cursor: 0,
            input_before: None,
            picker: None,
            help: false,
            help_scroll: 0,
            detail_focus: false,
            detail_scroll: 0,
            size: (80, 24),
            status: None,
            selection: Selection::new(),
            export_format: ExportFormat::Names,
            last_copied: None,
            compare: None,
            grants: Vec::new(),
            audit: None,
            results,
            selected_hidden: 0,
        };
        // The first screen shows everything: no need to wait for a worker.
        // Kept with the recent results, so that going back to it is instant.
        let hits = query::run(&app.catalog, &app.query, app.sort);
        app.show_hits(app.query.clone(), Arc::new(hits), None);
        app
    }

    /// Which layer has the keyboard, derived from what is visible.
    pub fn focus(&self) -> Focus {
        if self.help {
            Focus::Help
        } else if self.picker.is_some() {
            Focus::Picker
        } else if self.input_before.is_some() {
            Focus::Input
        } else if self.audit.is_some() {
            Focus::Audit
        } else if self.compare.is_some() {
            Focus::Compare
        } else if self.detail_focus {
            Focus::Detail
        } else {
            Focus::Table
        }
    }

    /// The entry under the cursor.
    pub fn current(&self) -> Option<&Entry> {
        self.entries.get(self.cursor)
    }

    /// Rows hidden by the current filters.
    pub fn hidden(&self) -> usize {
        self.catalog.requirements.len() - self.hits().len()
    }

    /// Recomputes the visible rows: at once for small data, or by asking the
    /// runtime to search on the worker (latest request wins). A query that
    /// only extends the previous one narrows its results instead of rescanning.
    #[must_use]
    fn refilter(&mut self) -> Vec<Effect> {
        match self.results.next(&self.catalog, &self.query, self.sort, self.grouped) {
            Next::Show(result) => {
                self.show_hits(result.query, result.hits, result.groups);
                Vec::new()
            }
            Next::Ask(request) => vec![Effect::Filter(request)],
        }
    }

    /// Takes a worker's result, unless a newer request has been made since.
    pub fn filter_done(&mut self, result: FilterResult) {
        if let Some(result) = self.results.accept(result) {
            self.show_hits(result.query, result.hits, result.groups);
            self.recount_selected_hidden();
        }
    }

    /// The shown rows, in display order.
    pub fn hits(&self) -> &Arc<Vec<Hit>> {
        self.results.hits()
    }

    /// True while the latest search has no result yet.
    pub fn filtering(&self) -> bool {
        self.results.filtering()
    }

    /// True when searching happens on the worker (large data).
    pub fn searches_in_background(&self) -> bool {
        self.results.in_background()
    }

    /// Searches on the worker (or not) whatever the size of the data: for
    /// tests of the background path on small data.
    pub fn search_in_background(mut self, on: bool) -> App {
        self.results.set_background(on);
        self
    }

    /// The explorer with grants (from `--grants`) to audit products against.
    pub fn with_grants(mut self, grants: Vec<crate::model::grants::ResolvedGrant>) -> App {
        self.grants = grants;
        self
    }

    /// Shows a result; `groups` are its hits grouped, when already done.
    fn show_hits(&mut self, query: Query, hits: Arc<Vec<Hit>>, groups: Option<Vec<PermissionGroup>>) {
        let keep = self.current().map(|e| e.rows()[0]);
        self.results.show(query, self.sort, hits);
        self.rebuild_entries(groups);
        self.rebuild_compare();
        if let Some(row) = keep
            && let Some(i) = self.entries.iter().position(|e| e.rows().contains(&row))
        {
            self.cursor = i;
        }
        self.clamp();
    }

    fn rebuild_entries(&mut self, groups: Option<Vec<PermissionGroup>>) {
        self.entries = if self.grouped {
            groups
                .unwrap_or_else(|| query::group_by_permission(&self.catalog, self.hits().iter().map(|h| h.row)))
                .into_iter()
                .map(|g| Entry::Group(Box::new(g)))
                .collect()
        } else {
            self.hits().iter().map(|h| Entry::Row(h.row)).collect()
        };
        self.shown_grouped = self.grouped;
    }

    /// True when the table shows distinct permissions (it may lag behind
    /// `grouped` while the worker groups a large result).
    pub fn shows_groups(&self) -> bool {
        self.shown_grouped
    }

    /// Recomputes the comparison for the current filters, keeping mode and column.
    fn rebuild_compare(&mut self) {
        if let Some(view) = &self.compare {
            let cmp = Comparison::new(&self.catalog, &view.cmp.products, &self.query);
            let visible = cmp.visible(view.mode);
            let cursor = view.cursor.min(visible.len().saturating_sub(1));
            let column = view.column;
            let mode = view.mode;
            self.compare = Some(CompareView {
                cmp,
                mode,
                visible,
                cursor,
                column,
            });
        }
    }

    fn clamp(&mut self) {
        if self.entries.is_empty() {
            self.cursor = 0;
        } else if self.cursor >= self.entries.len() {
            self.cursor = self.entries.len() - 1;
        }
    }

    fn page(&self) -> usize {
        (self.size.1 as usize / 4).max(1)
    }

    fn move_by(&mut self, delta: isize) {
        match self.focus() {
            Focus::Help => self.help_scroll = add(self.help_scroll, delta),
            Focus::Detail => self.detail_scroll = add(self.detail_scroll, delta),
            Focus::Picker => {
                if let Some(p) = &mut self.picker {
                    let n = p.options.len();
                    if n > 0 {
                        p.cursor = (p.cursor as isize + delta).clamp(0, n as isize - 1) as usize;
                    }
                }
            }
            Focus::Audit => {
                if let Some((_, scroll)) = &mut self.audit {
                    *scroll = add(*scroll, delta);
                }
            }
            Focus::Compare => {
                if let Some(v) = &mut self.compare
                    && !v.visible.is_empty()
                {
                    let n = v.visible.len() as isize;
                    v.cursor = (v.cursor as isize + delta).clamp(0, n - 1) as usize;
                }
            }
            Focus::Table | Focus::Input => {
                if !self.entries.is_empty() {
                    let n = self.entries.len() as isize;
                    self.cursor = (self.cursor as isize + delta).clamp(0, n - 1) as usize;
                    self.detail_scroll = 0;
                }
            }
        }
    }

    /// Applies an action. Pure: no I/O, side effects come back as data.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let moves_only = matches!(
            action,
            Action::MoveUp
                | Action::MoveDown
                | Action::PageUp
                | Action::PageDown
                | Action::MoveTop
                | Action::MoveBottom
        );
        let effects = self.apply(action);
        if !moves_only {
            self.recount_selected_hidden();
        }
        effects
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        self.status = None;
        let mut effects = Vec::new();
        match action {
            Action::Quit => return vec![Effect::Quit],
            Action::Suspend => return vec![Effect::Suspend],
            Action::Resize(w, h) => self.size = (w, h),
            Action::MoveDown => self.move_by(1),
            Action::MoveUp => self.move_by(-1),
            Action::PageDown => self.move_by(self.page() as isize),
            Action::PageUp => self.move_by(-(self.page() as isize)),
            Action::MoveTop => self.move_by(isize::MIN / 2),
            Action::MoveBottom => self.move_by(isize::MAX / 2),
            Action::OpenFilter => {
                self.detail_focus = false;
                self.input_before = Some(self.query.text.clone());
            }
            Action::AcceptFilter => self.input_before = None,
            Action::CancelFilter => {
                if let Some(before) = self.input_before.take() {
                    self.query.text = before;
                    effects.extend(self.refilter());
                }
            }
            Action::InputChar(c) => {
                if self.input_before.is_some() {
                    effects.extend(self.type_text(c.encode_utf8(&mut [0; 4])));
                }
            }
            Action::InputText(text) => {
                if self.input_before.is_some() {
                    effects.extend(self.type_text(&text));
                } else if !text.is_empty() {
                    self.status = Some("Pasted text goes into the search: press / first, then paste".into());
                }
            }
            Action::InputBackspace => {
                if self.query.text.pop().is_some() {
                    effects.extend(self.refilter());
                }
            }
            Action::InputClear => {
                self.query.text.clear();
                effects.extend(self.refilter());
            }
            Action::SwitchPane => self.detail_focus = !self.detail_focus,
            Action::ToggleGrouping => {
                self.grouped = !self.grouped;
                effects.extend(self.refilter());
                self.status = Some(if self.grouped {
                    "One row per distinct permission".into()
                } else {
                    "One row per vendor table row".into()
                });
            }
            Action::CycleSort => {
                let i = Sort::ALL.iter().position(|s| *s == self.sort).unwrap_or(0);
                self.sort = Sort::ALL[(i + 1) % Sort::ALL.len()];
                effects.extend(self.refilter());
                self.status = Some(format!("Sorted by {}", self.sort.as_str()));
            }
            Action::CycleType => {
                self.query.kind = match self.query.kind {
                    None => Some(PermissionKind::Application),
                    Some(PermissionKind::Application) => Some(PermissionKind::Delegated),
                    Some(PermissionKind::Delegated) => None,
                };
                effects.extend(self.refilter());
            }
            Action::CyclePhase => {
                self.query.phase = match self.query.phase {
                    None => Some(Phase::Discovery),
                    Some(Phase::Discovery) => Some(Phase::Backup),
                    Some(Phase::Backup) => Some(Phase::Recovery),
                    Some(Phase::Recovery) => None,
                };
                effects.extend(self.refilter());
            }
            Action::CycleMinRisk => {
                self.query.min_risk = match self.query.min_risk {
                    None => Some(RiskLevel::Low),
                    Some(RiskLevel::Unknown) | Some(RiskLevel::Low) => Some(RiskLevel::Medium),
                    Some(RiskLevel::Medium) => Some(RiskLevel::High),
                    Some(RiskLevel::High) => Some(RiskLevel::Critical),
                    Some(RiskLevel::Critical) => None,
                };
                effects.extend(self.refilter());
            }
            Action::OpenAudit => {
                if self.grants.is_empty() {
                    self.status = Some(
                        "No grants loaded: start permscope with --grants FILE (an export of the app's grants)".into(),
                    );
                } else if let Some(row) = self.current().map(|e| e.rows()[0]) {
                    let product = self.catalog.requirements[row].product;
                    self.audit = Some((crate::model::audit::audit(&self.catalog, product, &self.grants), 0));
                }
            }
            Action::OpenCompare => {
                let ticked: Vec<bool> = (0..self.catalog.products.len())
                    .map(|i| self.query.products.contains(&i))
                    .collect();
                self.picker = Some(Picker {
                    kind: PickerKind::Compare,
                    options: self.catalog.products.iter().map(|p| p.slug.clone()).collect(),
                    ticked,
                    cursor: 0,
                });
            }
            Action::CycleCompareMode => {
                if let Some(v) = &mut self.compare {
                    let i = CompareMode::ALL.iter().position(|m| *m == v.mode).unwrap_or(0);
                    v.mode = CompareMode::ALL[(i + 1) % CompareMode::ALL.len()];
                    v.visible = v.cmp.visible(v.mode);
                    v.cursor = 0;
                    self.status = Some(format!("Showing {}", v.mode.as_str()));
                }
            }
            Action::PrevColumn | Action::NextColumn => {
                if let Some(v) = &mut self.compare {
                    let n = v.cmp.products.len();
                    v.column = if action == Action::NextColumn {
                        (v.column + 1) % n
                    } else {
                        (v.column + n - 1) % n
                    };
                }
            }
            Action::SelectColumnAll | Action::SelectColumnBeyond => {
                self.select_column(action == Action::SelectColumnAll)
            }
            Action::ToggleSelect => {
                let row = match &self.compare {
                    Some(v) => v.current().map(|r| r.first_row),
                    None => self.current().map(|e| e.rows()[0]),
                };
                if let Some(row) = row {
                    self.selection.toggle_row(&self.catalog, row);
                    self.move_by(1);
                }
            }
            Action::SelectVisible => {
                let keys: Vec<_> = match &self.compare {
                    Some(v) => v
                        .visible
                        .iter()
                        .map(|&i| selection::key_of(&self.catalog, v.cmp.rows[i].first_row))
                        .collect(),
                    None => self
                        .distinct_visible_rows()
                        .into_iter()
                        .map(|row| selection::key_of(&self.catalog, row))
                        .collect(),
                };
                let n = keys.len();
                self.selection.extend(keys);
                self.status = Some(format!("Selected the {n} visible rows' permissions"));
            }
            Action::InvertVisible => {
                for row in self.distinct_visible_rows() {
                    self.selection.toggle(selection::key_of(&self.catalog, row));
                }
            }
            Action::ClearSelection => {
                self.selection.clear();
                self.status = Some("Selection cleared".into());
            }
            Action::PickPreset => {
                if let Some(&row) = self.current().map(|e| &e.rows()[0]) {
                    let product = self.catalog.requirements[row].product;
                    self.picker = Some(Picker {
                        kind: PickerKind::Preset(product),
                        options: Preset::ALL.iter().map(|p| p.label().to_string()).collect(),
                        ticked: Vec::new(),
                        cursor: 0,
                    });
                }
            }
            Action::PickFormat => {
                let cursor = ExportFormat::ALL
                    .iter()
                    .position(|f| *f == self.export_format)
                    .unwrap_or(0);
                self.picker = Some(Picker {
                    kind: PickerKind::Format,
                    options: ExportFormat::ALL.iter().map(|f| f.label().to_string()).collect(),
                    ticked: Vec::new(),
                    cursor,
                });
            }
            Action::CopySelection => return self.copy(),
            Action::ShowStatus(msg) => self.status = Some(msg),
            Action::PickProducts => self.open_picker(Facet::Products),
            Action::PickApis => self.open_picker(Facet::Apis),
            Action::PickWorkloads => self.open_picker(Facet::Workloads),
            Action::PickerToggle => {
                if let Some(p) = &mut self.picker
                    && let Some(t) = p.ticked.get_mut(p.cursor)
                {
                    *t = !*t;
                }
            }
            Action::PickerAccept => {
                if let Some(p) = self.picker.take() {
                    return self.apply_picker(p);
                }
            }
            Action::ClearFilters => {
                self.query = Query::default();
                effects.extend(self.refilter());
                self.status = Some("Filters cleared".into());
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                self.help_scroll = 0;
            }
            Action::Close => match self.focus() {
                Focus::Help => self.help = false,
                Focus::Picker => self.picker = None,
                Focus::Input => return self.apply(Action::CancelFilter),
                Focus::Audit => self.audit = None,
                Focus::Compare => self.compare = None,
                Focus::Detail => self.detail_focus = false,
                Focus::Table => {}
            },
        }
        effects
    }

    /// Adds text to the search, as far as the cap allows: line breaks and tabs
    /// become spaces, other control characters are dropped. One search for the
    /// whole text, and the status says what did not fit.
    #[must_use]
    fn type_text(&mut self, text: &str) -> Vec<Effect> {
        let mut room = MAX_SEARCH_CHARS.saturating_sub(self.query.text.chars().count());
        let (mut added, mut left_out) = (0usize, 0usize);
        for c in text.chars() {
            let c = if matches!(c, '\n' | '\r' | '\t') { ' ' } else { c };
            if c.is_control() {
                continue;
            }
            if room == 0 {
                left_out += 1;
                continue;
            }
            self.query.text.push(c);
            room -= 1;
            added += 1;
        }
        if left_out > 0 {
            self.status = Some(format!(
                "The search holds at most {MAX_SEARCH_CHARS} characters: {left_out} more were left out"
            ));
        }
        if added > 0 { self.refilter() } else { Vec::new() }
    }

    fn open_picker(&mut self, facet: Facet) {
        let c = &self.catalog;
        let (options, ticked): (Vec<String>, Vec<bool>) = match facet {
            Facet::Products => c
                .products
                .iter()
                .enumerate()
                .map(|(i, p)| (p.slug.clone(), self.query.products.contains(&i)))
                .unzip(),
            Facet::Apis => c
                .apis
                .iter()
                .enumerate()
                .map(|(i, a)| (a.name.clone(), self.query.apis.contains(&i)))
                .unzip(),
            Facet::Workloads => c
                .workload_names()
                .into_iter()
                .map(|w| {
                    let t = self.query.workloads.contains(&w);
                    (w, t)
                })
                .unzip(),
        };
        self.picker = Some(Picker {
            kind: PickerKind::Facet(facet),
            options,
            ticked,
            cursor: 0,
        });
    }

    fn apply_picker(&mut self, p: Picker) -> Vec<Effect> {
        let chosen = p.ticked.iter().enumerate().filter(|(_, t)| **t).map(|(i, _)| i);
        match p.kind {
            PickerKind::Facet(Facet::Products) => self.query.products = chosen.collect(),
            PickerKind::Facet(Facet::Apis) => self.query.apis = chosen.collect(),
            PickerKind::Facet(Facet::Workloads) => {
                self.query.workloads = chosen.map(|i| p.options[i].clone()).collect()
            }
            PickerKind::Compare => {
                let products: Vec<usize> = chosen.collect();
                if products.len() < 2 {
                    self.status = Some("Compare needs two or more products: tick them with Space".into());
                    return Vec::new();
                }
                let cmp = Comparison::new(&self.catalog, &products, &self.query);
                let visible = cmp.visible(CompareMode::All);
                self.compare = Some(CompareView {
                    cmp,
                    mode: CompareMode::All,
                    visible,
                    cursor: 0,
                    column: 0,
                });
                return Vec::new();
            }
            PickerKind::Format => {
                if let Some(f) = ExportFormat::ALL.get(p.cursor) {
                    self.export_format = *f;
                    return self.copy();
                }
            }
            PickerKind::Preset(product) => {
                if let Some(preset) = Preset::ALL.get(p.cursor) {
                    let set = Selection::preset(&self.catalog, product, *preset);
                    let n = set.len();
                    self.selection = set;
                    self.status = Some(format!(
                        "Selected {n} permissions: {} of {}",
                        preset.label(),
                        self.catalog.products[product].slug
                    ));
                }
                return Vec::new();
            }
        }
        self.refilter()
    }

    /// Compare view: select everything the focused product asks for (`all`),
    /// or what it asks beyond every other compared product.
    fn select_column(&mut self, all: bool) {
        let Some(v) = &self.compare else { return };
        let slug = self.catalog.products[v.cmp.products[v.column]].slug.clone();
        let rows: Vec<usize> = if all {
            (0..v.cmp.rows.len())
                .filter(|&i| matches!(v.cmp.rows[i].cells[v.column], crate::model::compare::Cell::Asks(_)))
                .collect()
        } else {
            let others: Vec<Vec<usize>> = (0..v.cmp.products.len())
                .filter(|&o| o != v.column)
                .map(|o| v.cmp.beyond(v.column, o))
                .collect();
            (0..v.cmp.rows.len())
                .filter(|i| others.iter().all(|b| b.contains(i)))
                .collect()
        };
        let keys: Vec<_> = rows
            .iter()
            .map(|&i| selection::key_of(&self.catalog, v.cmp.rows[i].first_row))
            .filter(|k| !k.name.is_empty())
            .collect();
        let n = keys.len();
        self.selection = keys.into_iter().collect();
        self.status = Some(if all {
            format!("Selected {n} permissions: everything {slug} asks for (within the filters)")
        } else {
            format!("Selected {n} permissions {slug} asks for beyond the others")
        });
    }

    /// Exports the selection in the current format and asks the runtime to copy it.
    fn copy(&mut self) -> Vec<Effect> {
        if self.selection.is_empty() {
            self.status = Some("Nothing selected: Space selects a row, v selects every visible row".into());
            return Vec::new();
        }
        let out = export::export(&self.catalog, &self.selection, self.export_format);
        if out.text.is_empty() || out.count == 0 {
            // Never wipe the clipboard with an empty export: say why instead.
            self.status = Some(format!(
                "Nothing to copy as {}: {}",
                self.export_format.as_str(),
                out.warnings
                    .first()
                    .map_or("no permission in the selection fits this format", |w| w.as_str())
            ));
            return Vec::new();
        }
        self.last_copied = Some(out.text.clone());
        vec![Effect::Copy {
            text: out.text,
            count: out.count,
            warnings: out.warnings,
        }]
    }

    /// Selected permissions that no visible row shows.
    pub fn selected_hidden(&self) -> usize {
        self.selected_hidden
    }

    /// Counts selected permissions no visible row shows: once per change, in
    /// time linear in the rows, never per frame.
    fn recount_selected_hidden(&mut self) {
        self.selected_hidden = if self.selection.is_empty() {
            0
        } else {
            let visible = self.visible_slots();
            self.selection
                .iter()
                .filter(|k| {
                    self.catalog
                        .find_slot(k.api, k.kind, &k.name)
                        .is_none_or(|slot| !visible[slot as usize])
                })
                .count()
        };
    }

    /// Per permission slot: does a shown row ask for it?
    fn visible_slots(&self) -> Vec<bool> {
        let mut visible = vec![false; self.catalog.slot_count()];
        for h in self.hits().iter() {
            visible[self.catalog.slot(h.row) as usize] = true;
        }
        visible
    }

    /// The first shown row of each distinct permission, in display order: a
    /// selection key per permission, not per row (1,500 keys, not 100,000).
    fn distinct_visible_rows(&self) -> Vec<usize> {
        let mut seen = vec![false; self.catalog.slot_count()];
        self.hits()
            .iter()
            .filter(|h| !std::mem::replace(&mut seen[self.catalog.slot(h.row) as usize], true))
            .map(|h| h.row)
            .collect()
    }

    /// A short description of every active filter, for the header.
    pub fn filter_summary(&self) -> Vec<String> {
        let c = &self.catalog;
        let q = &self.query;
        let mut out = Vec::new();
        if !q.products.is_empty() {
            out.push(format!(
                "product={}",
                q.products
                    .iter()
                    .map(|&i| c.products[i].slug.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        if !q.apis.is_empty() {
            out.push(format!(
                "api={}",
                q.apis
                    .iter()
                    .map(|&i| c.apis[i].short.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ));
        }
        if let Some(k) = q.kind {
            out.push(format!("type={k}"));
        }
        if !q.workloads.is_empty() {
            out.push(format!("workload={}", q.workloads.join(",")));
        }
        if let Some(p) = q.phase {
            out.push(format!("phase={}", p.as_str()));
        }
        if let Some(r) = q.min_risk {
            out.push(format!("risk>={}", r.as_str()));
        }
        if !q.text.is_empty() {
            out.push(format!("search=\"{}\"", q.text));
        }
        out
    }
}

fn add(v: u16, delta: isize) -> u16 {
    (v as isize + delta).clamp(0, u16::MAX as isize) as u16
}
