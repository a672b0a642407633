//! The explorer's pickers (facets, compare, format, presets) and copying
//! the selection: what opening one offers and what choosing applies.

use super::App;
use crate::model::advise::Advisor;
use crate::model::compare::{CompareMode, Comparison};
use crate::model::export::{self, ExportFormat};
use crate::model::query::AppRef;
use crate::model::selection::{Preset, Selection};
use crate::tui::action::Effect;
use crate::tui::layers::{CompareView, Facet, Picker, PickerKind, PresetChoice};
use crate::tui::results::advise_app;
use std::sync::Arc;

impl App {
    pub(super) fn open_picker(&mut self, facet: Facet) {
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

    /// The preset picker for the product of the row under the cursor: the
    /// product's presets, each app's whole set, and the app's least-privilege set.
    pub(super) fn open_presets(&mut self) {
        if let Some(&row) = self.current().map(|e| &e.rows()[0]) {
            let product = self.catalog.requirements[row].product;
            let here = AppRef::of_row(&self.catalog, row);
            let apps = &self.catalog.products[product].apps;
            let mut choices: Vec<PresetChoice> = Preset::ALL.iter().map(|p| PresetChoice::Preset(*p)).collect();
            // A tenant consents to each app apart: each app's own set,
            // ready for its manifest.
            if apps.len() > 1 {
                choices.extend((0..apps.len()).map(PresetChoice::App));
            }
            choices.push(PresetChoice::LeastPrivilege(here.app));
            let options = choices
                .iter()
                .map(|c| match c {
                    PresetChoice::Preset(p) => p.label().to_string(),
                    PresetChoice::App(a) => format!("Everything the app {} asks for", apps[*a].name),
                    PresetChoice::LeastPrivilege(a) => format!(
                        "Least privilege for {}: narrower alternatives applied, recovery-only left for just in time",
                        apps[*a].name
                    ),
                })
                .collect();
            self.preset_choices = choices;
            self.picker = Some(Picker {
                kind: PickerKind::Preset(product),
                options,
                ticked: Vec::new(),
                cursor: 0,
            });
        }
    }

    /// Exports the selection in the current format and asks the runtime to copy it.
    pub(super) fn copy(&mut self) -> Vec<Effect> {
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

    pub(super) fn apply_picker(&mut self, p: Picker) -> Vec<Effect> {
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
                self.compare = Some(CompareView::new(&self.catalog, cmp, CompareMode::All, 0, 0));
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
                let (app, preset) = match self.preset_choices.get(p.cursor) {
                    Some(PresetChoice::Preset(preset)) => (None, *preset),
                    Some(PresetChoice::App(a)) => (Some(*a), Preset::Everything),
                    Some(PresetChoice::LeastPrivilege(a)) => {
                        let app = AppRef { product, app: *a };
                        let advisor = self.advisor.get_or_insert_with(Advisor::bundled);
                        let advice = advise_app(advisor, &self.catalog, app);
                        self.selection = advice.reduction.selection_for(app);
                        self.status = Some(format!(
                            "Selected the least-privilege set of {}: {}",
                            prod.apps[*a].name,
                            advice.reduction.summary()
                        ));
                        self.advice.insert(app, Arc::new(advice));
                        return Vec::new();
                    }
                    None => return Vec::new(),
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
}
