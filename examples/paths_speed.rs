//! How fast the capability analysis is, on every bundled product's apps.
//!
//! ```sh
//! cargo run --release --example paths_speed            # timings only
//! cargo run --release --example paths_speed -- --table # and each app's outcomes
//! cargo run --release --example paths_speed -- --data /tmp/synth-100k   # and per app at scale
//! ```
//!
//! Builds each app's held set from the bundled catalog, then analyses all of
//! them together many times and prints the median, p95 and fastest time of one
//! whole round (every app of every product) and the median per app. Loading the
//! model is timed separately. Nothing is cached between rounds.
//!
//! Then what `permscope paths` does for every bundled product together (the
//! product's analysis per app and the strongest over them, from the product
//! data, with the text and the JSON written), and the explorer: the cursor
//! moved over every row of a fresh explorer (each app analysed the first time
//! the cursor reaches it) with a frame drawn after each move, and the
//! effective-power layer opened and drawn.

use permscope::model::catalog::Catalog;
use permscope::model::paths::{Analysis, CapabilityModel, Context, Held, OUTCOMES, Reached};
use std::time::{Duration, Instant};

const ROUNDS: usize = 201;

fn main() {
    let table = std::env::args().any(|a| a == "--table");
    let (catalog, report) = Catalog::load(&[]);
    assert!(report.errors.is_empty(), "bundled products load: {:?}", report.errors);

    let started = Instant::now();
    let model = CapabilityModel::bundled();
    let load_time = started.elapsed();

    // (product, app, held) for every app of every product.
    let mut apps: Vec<(usize, usize, Vec<Held>)> = Vec::new();
    for (pi, product) in catalog.products.iter().enumerate() {
        for ai in 0..product.apps.len() {
            let held = catalog
                .rows_of(pi)
                .map(|i| &catalog.requirements[i])
                .filter(|r| r.app == ai && !r.permission.is_empty())
                .map(|r| Held::new(catalog.apis[r.api].name.clone(), r.kind, r.permission.clone()))
                .collect();
            apps.push((pi, ai, held));
        }
    }
    let context = Context::default();

    let mut rounds: Vec<Duration> = Vec::with_capacity(ROUNDS);
    let mut last: Vec<Analysis> = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        last = apps.iter().map(|(_, _, held)| model.analyse(held, &context)).collect();
        rounds.push(t.elapsed());
    }
    rounds.sort();
    let median = rounds[ROUNDS / 2];
    let p95 = rounds[ROUNDS * 95 / 100];
    println!(
        "capability model: loaded and compiled in {:.2} ms ({} capabilities, {} grants, {} edges)",
        ms(load_time),
        model.capabilities().len(),
        model.grants().len(),
        model.edges().len()
    );
    println!(
        "all {} apps of {} products, {ROUNDS} rounds: median {:.3} ms, p95 {:.3} ms, fastest {:.3} ms; median per app {:.3} ms",
        apps.len(),
        catalog.products.len(),
        ms(median),
        ms(p95),
        ms(rounds[0]),
        ms(median) / apps.len() as f64
    );

    paths_command(&catalog);
    explorer(&catalog);
    let mut args = std::env::args();
    if let Some(dir) = args.by_ref().find(|a| a == "--data").and_then(|_| args.next()) {
        at_scale(std::path::Path::new(&dir));
    }

    if table {
        println!();
        println!("| product | app | {} |", OUTCOMES.join(" | "));
        println!("|---|---|{}", "---|".repeat(OUTCOMES.len()));
        for ((pi, ai, _), analysis) in apps.iter().zip(&last) {
            let cells: Vec<&str> = OUTCOMES
                .iter()
                .map(|o| match analysis.reached(o) {
                    Reached::Direct => "direct",
                    Reached::Conditional => "cond.",
                    Reached::No => "no",
                })
                .collect();
            println!(
                "| {} | {} | {} |",
                catalog.products[*pi].slug,
                catalog.products[*pi].apps[*ai].name,
                cells.join(" | ")
            );
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `permscope paths` for every bundled product together, in process (loading
/// the catalog excluded: that is startup, measured by the explorer bench).
fn paths_command(catalog: &Catalog) {
    use permscope::model::paths::power;
    let mut rounds: Vec<Duration> = Vec::with_capacity(ROUNDS);
    let mut bytes = 0usize;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        bytes = 0;
        for p in 0..catalog.products.len() {
            let analysis = power::product_analysis(catalog, p, None);
            bytes += power::to_text(catalog, &analysis, 120).len();
            bytes += permscope::model::text::json_pretty(&analysis).len();
        }
        rounds.push(t.elapsed());
    }
    rounds.sort();
    println!(
        "paths for all {} products (analysis, text and JSON, {} KB), {ROUNDS} rounds: median {:.3} ms, p95 {:.3} ms, fastest {:.3} ms",
        catalog.products.len(),
        bytes / 1024,
        ms(rounds[ROUNDS / 2]),
        ms(rounds[ROUNDS * 95 / 100]),
        ms(rounds[0])
    );
}

/// The explorer at the bundled size: every cursor move and its frame, the
/// first time (apps analysed as the cursor reaches them); the layer's open and frame.
fn explorer(catalog: &Catalog) {
    use permscope::tui::action::Action;
    use permscope::tui::app::App;
    use permscope::tui::keymap::Keymap;
    use permscope::tui::theme::Theme;
    use permscope::tui::view::{ViewState, render};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let shared = std::sync::Arc::new(catalog.clone());
    let keymap = Keymap::default();
    let theme = Theme::colour();
    let mut moves: Vec<Duration> = Vec::new();
    let mut opens: Vec<Duration> = Vec::new();
    for _ in 0..21 {
        let mut app = App::shared(std::sync::Arc::clone(&shared));
        app.update(Action::Resize(200, 60));
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
        let mut view = ViewState::default();
        for _ in 1..app.entries.len() {
            let t = Instant::now();
            app.update(Action::MoveDown);
            terminal
                .draw(|f| render(f, &app, &keymap, &theme, &mut view))
                .expect("draw");
            moves.push(t.elapsed());
        }
        let t = Instant::now();
        app.update(Action::OpenPower);
        terminal
            .draw(|f| render(f, &app, &keymap, &theme, &mut view))
            .expect("draw");
        opens.push(t.elapsed());
    }
    moves.sort();
    opens.sort();
    let n = moves.len();
    println!(
        "explorer at 200x60: cursor move and frame over every bundled row ({n} moves, fresh explorers): median {:.3} ms, p95 {:.3} ms, max {:.3} ms; e (layer opened and drawn): median {:.3} ms, max {:.3} ms",
        ms(moves[n / 2]),
        ms(moves[n * 95 / 100]),
        ms(moves[n - 1]),
        ms(opens[opens.len() / 2]),
        ms(opens[opens.len() - 1])
    );
}

/// Every app of a large data folder (`synth`'s products, about 500 rows
/// each): what the explorer pays the first time the cursor reaches an app.
fn at_scale(dir: &std::path::Path) {
    use permscope::model::paths::power;
    let (catalog, report) = Catalog::load(&[dir.to_path_buf()]);
    assert!(report.errors.is_empty(), "{:?}", report.errors.first());
    let mut times: Vec<Duration> = Vec::new();
    let mut held = 0usize;
    for (p, product) in catalog.products.iter().enumerate() {
        for a in 0..product.apps.len() {
            held = held.max(power::held_of(&catalog, p, a).len());
            let t = Instant::now();
            let analysis = power::app_analysis(&catalog, p, a);
            times.push(t.elapsed());
            std::hint::black_box(analysis);
        }
    }
    times.sort();
    let n = times.len();
    println!(
        "at scale ({} rows, {} apps, up to {held} permissions an app): one app's analysis median {:.3} ms, p95 {:.3} ms, max {:.3} ms",
        catalog.requirements.len(),
        n,
        ms(times[n / 2]),
        ms(times[n * 95 / 100]),
        ms(times[n - 1])
    );
}
