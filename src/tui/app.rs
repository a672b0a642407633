//! The explorer's state and its pure `update`: actions in, effects out.

use crate::model::catalog::Catalog;
use crate::model::compare::{CompareMode, Comparison};
use crate::model::export::{self, ExportFormat};
use crate::model::level::RiskLevel;
use crate::model::permission::PermissionKind;
use crate::model::product::Phase;
use crate::model::published::{self, Published};
use crate::model::query::{self, Hit, PermissionGroup, Query, Sort};
use crate::model::selection::{self, Preset, Selection};
use crate::tui::action::{Action, Effect};
use crate::tui::keymap::Focus;
use crate::tui::results::{FilterResult, Next, Results};
use std::sync::Arc;

pub use crate::tui::layers::{CatalogView, CompareView, Entry, Facet, Picker, PickerKind};

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
            grants: Vec::new(),
            holders: Default::default(),
            audit: None,
            power: Default::default(),
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

    /// Takes a worker's result, unless a newer request has been made since.
    pub fn filter_done(&mut self, result: FilterResult) {
        if let Some(result) = self.results.accept(result) {
            self.show_hits(result.query, result.hits, result.groups);
            self.recount_selected_hidden();
            self.follow_power();
        }
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

    /// Who holds the grants (from `--grants`), so each app's are audited against that app.
    pub fn with_holders(mut self, holders: crate::model::holders::Holders) -> App {
        self.holders = holders;
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
        let effects = self.apply(action);
        if !moves_only {
            self.recount_selected_hidden();
        }
        self.follow_power();
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
                if self.input_before.is_some() && !c.is_control() && self.query.text.chars().count() < 200 {
                    self.query.text.push(c);
                    effects.extend(self.refilter());
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
                    let audit =
                        crate::model::audit::audit_apps(&self.catalog, product, None, &self.grants, &self.holders);
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
            Action::PickPreset => {
                if let Some(&row) = self.current().map(|e| &e.rows()[0]) {
                    let product = self.catalog.requirements[row].product;
                    let mut options: Vec<String> = Preset::ALL.iter().map(|p| p.label().to_string()).collect();
                    // A tenant consents to each app apart: each app's own set,
                    // ready for its manifest.
                    let apps = &self.catalog.products[product].apps;
                    if apps.len() > 1 {
                        options.extend(apps.iter().map(|a| format!("Everything the app {} asks for", a.name)));
                    }
                    self.picker = Some(Picker {
                        kind: PickerKind::Preset(product),
                        options,
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
                Focus::Power => self.power.close(),
                Focus::Compare => self.compare = None,
                Focus::Catalog => self.catalog_view = None,
                Focus::Detail => self.detail_focus = false,
                Focus::Table => {}
            },
        }
        effects
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
                let prod = &self.catalog.products[product];
                let (app, preset) = match Preset::ALL.get(p.cursor) {
                    Some(preset) => (None, *preset),
                    None => (Some(p.cursor - Preset::ALL.len()), Preset::Everything),
                };
                let set = Selection::preset_of(&self.catalog, product, app, preset);
                let n = set.len();
                let apps = set.apps().len();
                self.selection = set;
                self.status = Some(match app.and_then(|a| prod.apps.get(a)) {
                    Some(a) => format!(
                        "Selected {n} permissions: everything the app {} of {} asks for",
                        a.name, prod.slug
                    ),
                    None if apps > 1 => format!(
                        "Selected {n} permissions: {} of {}, for its {apps} apps (a manifest or scope string is one app's: P again picks one app)",
                        preset.label(),
                        prod.slug
                    ),
                    None => format!("Selected {n} permissions: {} of {}", preset.label(), prod.slug),
                });
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

    /// Exports the selection in the current format and asks the runtime to copy it.
    fn copy(&mut self) -> Vec<Effect> {
        if self.selection.is_empty() {
            self.status = Some("Nothing selected: Space selects a row, v selects every visible row".into());
            return Vec::new();
        }
        let out = export::export(&self.catalog, &self.selection, self.export_format);
        if out.refused {
            // Never a merged manifest: say why, and how to pick one app.
            self.status = Some(format!(
                "Not copied as {}. {} P on a row offers each app's set.",
                self.export_format.as_str(),
                out.warnings.first().map_or("", |w| w.as_str())
            ));
            return Vec::new();
        }
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
