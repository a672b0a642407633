//! The explorer's state and its pure `update`: actions in, effects out.

use crate::model::catalog::Catalog;
use crate::model::compare::{CompareMode, Comparison};
use crate::model::export::ExportFormat;
use crate::model::level::RiskLevel;
use crate::model::permission::PermissionKind;
use crate::model::product::Phase;
use crate::model::published::{self, Published};
use crate::model::query::{self, Hit, PermissionGroup, Query, Sort};
use crate::model::selection::{self, Selection};
use crate::tui::action::{Action, Effect};
use crate::tui::keymap::Focus;
use crate::tui::results::{FilterResult, Next, Results, advise_app};
use std::sync::Arc;

use crate::model::advise::{Advisor, AppAdvice};
use crate::model::query::AppRef;
mod pickers;

pub use crate::tui::layers::{CatalogView, CompareView, Entry, Facet, Picker, PickerKind, PresetChoice};

/// Longest search text, in characters: fuzzy matching costs time in the
/// length of the search times that of each field searched.
pub const MAX_SEARCH_CHARS: usize = 200;

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
    /// The catalog mode, when open.
    pub catalog_view: Option<CatalogView>,
    /// Every published permission, rated once when the catalog mode first opens.
    published: Option<Arc<Vec<Published>>>,
    /// The detail pane lists every API operation, not only the first ones.
    pub all_operations: bool,
    /// Narrower alternatives, hardening and questions, per app, worked out
    /// when the cursor first reaches one of the app's rows.
    advice: std::collections::HashMap<AppRef, Arc<AppAdvice>>,
    /// Apps whose advice the worker has been asked for (large data).
    advice_asked: std::collections::HashSet<AppRef>,
    advisor: Option<Advisor>,
    /// What the product preset picker offers, in its order.
    preset_choices: Vec<PresetChoice>,
    /// Grants from --grants, resolved against the catalog, for the audit screen.
    pub grants: Vec<crate::model::grants::ResolvedGrant>,
    /// Who holds each of those grants, to check each app's against its own.
    pub holders: crate::model::holders::Holders,
    /// The audit screen, when open, and its scroll.
    pub audit: Option<(crate::model::audit::Audit, u16)>,
    /// The effective-power layer, and each app's analysis for the detail pane.
    pub power: crate::tui::power::Power,
    /// The shown search result, recent ones, and whether the worker searches.
    results: Results,
    /// Selected permissions the filters hide (kept up to date by `update`).
    selected_hidden: usize,
    /// Problems found loading the data (a file skipped, a folder missing).
    pub problems: Vec<String>,
    /// The list of problems, when open, and its scroll.
    pub problems_open: Option<u16>,
    /// Characters left out of the search since it last took one: a paste
    /// that arrives in several parts is counted whole.
    left_out: usize,
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
            catalog_view: None,
            published: None,
            all_operations: false,
            advice: Default::default(),
            advice_asked: Default::default(),
            advisor: None,
            preset_choices: Vec::new(),
            grants: Vec::new(),
            holders: Default::default(),
            audit: None,
            power: Default::default(),
            results,
            selected_hidden: 0,
            problems: Vec::new(),
            problems_open: None,
            left_out: 0,
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
        } else if self.problems_open.is_some() {
            Focus::Problems
        } else if self.picker.is_some() {
            Focus::Picker
        } else if self.input_before.is_some() {
            Focus::Input
        } else if self.audit.is_some() {
            Focus::Audit
        } else if self.power.layer.is_some() {
            Focus::Power
        } else if self.catalog_view.is_some() {
            Focus::Catalog
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
        self.rebuild_catalog_view();
        match self.results.next(&self.catalog, &self.query, self.sort, self.grouped) {
            Next::Show(result) => {
                self.show_hits(result.query, result.hits, result.groups);
                Vec::new()
            }
            Next::Ask(request) => vec![Effect::Filter(request)],
        }
    }

    /// Works out the advice for the app of the row under the cursor, once per
    /// app: the detail pane shows its narrower alternatives and questions.
    /// Here for small data; for large data the worker is asked (an effect).
    #[must_use]
    fn ensure_advice(&mut self) -> Option<Effect> {
        if self.catalog_view.is_some() {
            return None;
        }
        let &row = self.current().map(|e| &e.rows()[0])?;
        let app = AppRef::of_row(&self.catalog, row);
        if self.advice.contains_key(&app) {
            return None;
        }
        if self.results.in_background() {
            return self.advice_asked.insert(app).then_some(Effect::Advise(app));
        }
        let advisor = self.advisor.get_or_insert_with(|| Advisor::of(&self.catalog));
        let advice = advise_app(advisor, &self.catalog, app);
        self.advice.insert(app, Arc::new(advice));
        None
    }

    /// The advice for the app of requirement `row`, when worked out.
    pub fn advice_for(&self, row: usize) -> Option<&AppAdvice> {
        self.advice.get(&AppRef::of_row(&self.catalog, row)).map(|a| &**a)
    }

    /// True while the worker works out the advice for the app of `row`.
    pub fn advice_pending(&self, row: usize) -> bool {
        let app = AppRef::of_row(&self.catalog, row);
        self.advice_asked.contains(&app) && !self.advice.contains_key(&app)
    }

    /// Takes an app's advice from the worker.
    pub fn advice_done(&mut self, app: AppRef, advice: Arc<AppAdvice>) {
        self.advice.insert(app, advice);
    }

    /// The advisor the explorer uses (the catalog's alternatives and model
    /// unless [`App::with_advisor`] gave another), for a worker of its own.
    pub fn advisor(&mut self) -> Advisor {
        self.advisor.get_or_insert_with(|| Advisor::of(&self.catalog)).clone()
    }

    /// The explorer with this advisor (a reviewer's alternatives layered in).
    pub fn with_advisor(mut self, advisor: Advisor) -> App {
        self.advisor = Some(advisor);
        self
    }

    /// Takes a worker's result, unless a newer request has been made since;
    /// the row now under the cursor may ask for its app's advice.
    #[must_use]
    pub fn filter_done(&mut self, result: FilterResult) -> Vec<Effect> {
        if let Some(result) = self.results.accept(result) {
            self.show_hits(result.query, result.hits, result.groups);
            self.recount_selected_hidden();
            self.follow_power();
        }
        self.ensure_advice().into_iter().collect()
    }

    /// Analyses the highlighted entry's apps, for the detail pane (once per app).
    fn follow_power(&mut self) {
        let rows = self.entries.get(self.cursor).map_or(&[][..], |e| e.rows());
        self.power.follow(&self.catalog, rows);
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

    /// The explorer with the problems found loading its data: the status
    /// line says how many, and `!` lists them.
    pub fn with_problems(mut self, problems: Vec<String>) -> App {
        if !problems.is_empty() {
            self.status = Some(format!(
                "{} problem(s) loading the data, e.g. {}: press ! to list them",
                problems.len(),
                problems[0]
            ));
        }
        self.problems = problems;
        self
    }

    /// Who holds the grants (from `--grants`), so each app's are audited against that app.
    pub fn with_holders(mut self, holders: crate::model::holders::Holders) -> App {
        self.holders = holders;
        self
    }

    /// Shows a result; `groups` are its hits grouped, when already done.
    /// A new search puts the cursor on its best match; any other change
    /// (filters, sort, grouping) keeps it on the same requirement when that
    /// is still shown.
    fn show_hits(&mut self, query: Query, hits: Arc<Vec<Hit>>, groups: Option<Vec<PermissionGroup>>) {
        let keep = self.current().map(|e| e.rows()[0]);
        let searched = self.results.shown_query().is_some_and(|q| q.text != query.text);
        let best = Results::best(&hits).map(|i| hits[i].row);
        self.results.show(query, self.sort, hits);
        self.rebuild_entries(groups);
        self.rebuild_compare();
        let target = if searched { best } else { keep };
        if let Some(row) = target
            && let Some(i) = self.entries.iter().position(|e| e.rows().contains(&row))
        {
            self.cursor = i;
            self.detail_scroll = 0;
        } else if searched {
            self.cursor = 0;
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
            self.compare = Some(CompareView::new(
                &self.catalog,
                cmp,
                view.mode,
                view.cursor,
                view.column,
            ));
        }
    }

    /// Re-applies the filters to the catalog mode, keeping the cursor on the
    /// same permission when it is still shown.
    fn rebuild_catalog_view(&mut self) {
        let Some(view) = &self.catalog_view else { return };
        let keep = view.visible.get(view.cursor).copied();
        let visible = published::filter(&view.rows, &self.query, self.sort);
        let cursor = keep.and_then(|k| visible.iter().position(|&i| i == k)).unwrap_or(0);
        if let Some(view) = &mut self.catalog_view {
            view.visible = visible;
            view.cursor = cursor;
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
            Focus::Problems => {
                if let Some(scroll) = &mut self.problems_open {
                    *scroll = add(*scroll, delta);
                }
            }
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
            Focus::Power => self.power.scroll_by(delta),
            Focus::Compare => {
                if let Some(v) = &mut self.compare
                    && !v.visible.is_empty()
                {
                    let n = v.visible.len() as isize;
                    v.cursor = (v.cursor as isize + delta).clamp(0, n - 1) as usize;
                }
            }
            Focus::Catalog => {
                if let Some(v) = &mut self.catalog_view
                    && !v.visible.is_empty()
                {
                    let n = v.visible.len() as isize;
                    v.cursor = (v.cursor as isize + delta).clamp(0, n - 1) as usize;
                    self.detail_scroll = 0;
                }
            }
            Focus::Input if self.catalog_view.is_some() => {
                if let Some(v) = &mut self.catalog_view
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
        let mut effects = self.apply(action);
        effects.extend(self.ensure_advice());
        if !moves_only {
            self.recount_selected_hidden();
        }
        self.follow_power();
        effects
    }

    fn apply(&mut self, action: Action) -> Vec<Effect> {
        // A message stays until the reviewer does something (a resize is not that).
        if !matches!(action, Action::Resize(..)) {
            self.status = None;
        }
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
                    let narrower = self
                        .advisor
                        .get_or_insert_with(|| Advisor::of(&self.catalog))
                        .narrower(&self.catalog, product);
                    let audit = crate::model::audit::audit_apps(
                        &self.catalog,
                        product,
                        None,
                        &self.grants,
                        &self.holders,
                        &narrower,
                    );
                    self.audit = Some((audit, 0));
                }
            }
            Action::OpenPower => {
                if let Some(row) = self.current().map(|e| e.rows()[0]) {
                    self.power.open(&self.catalog, self.catalog.requirements[row].product);
                }
            }
            Action::OpenCatalog => {
                let rows = match &self.published {
                    Some(rows) => Arc::clone(rows),
                    None => {
                        let rows = Arc::new(published::all(&self.catalog));
                        self.published = Some(Arc::clone(&rows));
                        rows
                    }
                };
                let n = rows.len();
                self.catalog_view = Some(CatalogView {
                    rows,
                    visible: Vec::new(),
                    cursor: 0,
                });
                self.rebuild_catalog_view();
                self.status = Some(format!(
                    "Every permission Microsoft publishes ({n}): the filters for API, type, risk and the search apply; Esc returns"
                ));
            }
            Action::ToggleOperations => {
                self.all_operations = !self.all_operations;
                self.status = Some(if self.all_operations {
                    "The detail pane lists every API operation".into()
                } else {
                    "The detail pane lists the first API operations".into()
                });
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
            Action::ToggleSelect if self.catalog_view.is_some() => {
                if let Some(key) = self.catalog_view.as_ref().and_then(|v| v.current()).map(|p| p.key()) {
                    self.selection.toggle(key);
                    self.move_by(1);
                }
            }
            Action::SelectVisible | Action::InvertVisible if self.catalog_view.is_some() => {
                let keys: Vec<_> = self
                    .catalog_view
                    .as_ref()
                    .map(|v| v.visible.iter().map(|&i| v.rows[i].key()).collect())
                    .unwrap_or_default();
                let n = keys.len();
                if action == Action::SelectVisible {
                    self.selection.extend(keys);
                    self.status = Some(format!("Selected the {n} visible permissions"));
                } else {
                    for k in keys {
                        self.selection.toggle(k);
                    }
                }
            }
            Action::ToggleSelect => {
                // The permission, for the apps of the rows it stands for here.
                let rows: Vec<usize> = match &self.compare {
                    Some(v) => v.visible.get(v.cursor).map(|&i| compare_rows(v, i)).unwrap_or_default(),
                    None => self.current().map(|e| e.rows().to_vec()).unwrap_or_default(),
                };
                if !rows.is_empty() {
                    self.selection.toggle_rows(&self.catalog, &rows);
                    self.move_by(1);
                }
            }
            Action::SelectVisible => {
                let n = match &self.compare {
                    Some(v) => {
                        let rows: Vec<usize> = v.visible.iter().flat_map(|&i| compare_rows(v, i)).collect();
                        self.selection.add_rows(&self.catalog, rows)
                    }
                    None => {
                        let hits = Arc::clone(self.hits());
                        self.selection.add_rows(&self.catalog, hits.iter().map(|h| h.row))
                    }
                };
                self.status = Some(format!("Selected the {n} visible rows' permissions"));
            }
            Action::InvertVisible => {
                let mut rows_of: std::collections::HashMap<u32, Vec<usize>> = Default::default();
                for h in self.hits().iter() {
                    rows_of.entry(self.catalog.slot(h.row)).or_default().push(h.row);
                }
                for row in self.distinct_visible_rows() {
                    let key = selection::key_of(&self.catalog, row);
                    if !self.selection.remove(&key) {
                        let rows = rows_of.get(&self.catalog.slot(row)).cloned().unwrap_or_default();
                        self.selection.add_rows(&self.catalog, rows);
                    }
                }
            }
            Action::ClearSelection => {
                self.selection.clear();
                self.status = Some("Selection cleared".into());
            }
            Action::PickPreset => self.open_presets(),
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
            Action::ToggleProblems => {
                if self.problems.is_empty() {
                    self.status = Some("The data loaded without problems".into());
                } else {
                    self.problems_open = match self.problems_open {
                        Some(_) => None,
                        None => Some(0),
                    };
                }
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                self.help_scroll = 0;
            }
            Action::Close => match self.focus() {
                Focus::Help => self.help = false,
                Focus::Problems => self.problems_open = None,
                Focus::Picker => self.picker = None,
                Focus::Input => return self.apply(Action::CancelFilter),
                Focus::Audit => self.audit = None,
                Focus::Power => self.power.close(),
                Focus::Compare => self.compare = None,
                Focus::Catalog => self.catalog_view = None,
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
        if added > 0 {
            self.left_out = 0;
        }
        self.left_out += left_out;
        if left_out > 0 {
            self.status = Some(format!(
                "The search holds at most {MAX_SEARCH_CHARS} characters: {} more were left out",
                self.left_out
            ));
        }
        if added > 0 { self.refilter() } else { Vec::new() }
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
        // The column's own rows: the selection is for that product's apps.
        let column = v.column;
        let picked: Vec<usize> = rows
            .iter()
            .filter(|&&i| !v.cmp.rows[i].permission.is_empty())
            .flat_map(|&i| match &v.cmp.rows[i].cells[column] {
                crate::model::compare::Cell::Asks(rows) => rows.clone(),
                _ => Vec::new(),
            })
            .collect();
        let mut set = Selection::new();
        let n = set.add_rows(&self.catalog, picked);
        self.selection = set;
        self.status = Some(if all {
            format!("Selected {n} permissions: everything {slug} asks for (within the filters)")
        } else {
            format!("Selected {n} permissions {slug} asks for beyond the others")
        });
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
        } else if let Some(v) = &self.catalog_view {
            let shown: std::collections::HashSet<_> = v.visible.iter().map(|&i| v.rows[i].key()).collect();
            self.selection.iter().filter(|k| !shown.contains(*k)).count()
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

/// The requirement rows a compare matrix row stands for: the focused
/// product's, when it asks for the permission, else every product's that does.
fn compare_rows(v: &CompareView, i: usize) -> Vec<usize> {
    let row = &v.cmp.rows[i];
    let asks = |c: &crate::model::compare::Cell| match c {
        crate::model::compare::Cell::Asks(rows) => rows.clone(),
        _ => Vec::new(),
    };
    match row.cells.get(v.column).map(asks) {
        Some(mine) if !mine.is_empty() => mine,
        _ => row.cells.iter().flat_map(asks).collect(),
    }
}

fn add(v: u16, delta: isize) -> u16 {
    (v as isize + delta).clamp(0, u16::MAX as isize) as u16
}
