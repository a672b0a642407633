//! How the explorer copes with 1,000 to 1,000,000 rows: loading, `App::new`,
//! filtering per keystroke (through `App::update`, as the UI thread does it, and
//! `query::run` alone), other actions that refilter, drawing a 200x60 frame, and
//! resident memory. Prints Markdown tables of medians, p95 and maxima over
//! repeated runs, with the targets of the "Stay instant at 100,000 rows" issue.
//!
//! ```sh
//! cargo bench --bench explorer                       # 1k, 10k, 100k rows, 20 runs each
//! cargo bench --bench explorer -- --sizes 100000 --runs 5
//! cargo bench --bench explorer -- --big              # adds 1,000,000 rows (slow, 3 runs)
//! ```
//!
//! The synthetic data comes from `examples/synth.rs` (included below), written
//! once per size and seed under `target/permscope-synth/`.

#[allow(dead_code)]
#[path = "../examples/synth.rs"]
mod synth;

use permscope::model::advise::{Advisor, AppAdvice};
use permscope::model::catalog::Catalog;
use permscope::model::listing::{self, ListFormat};
use permscope::model::query::{self, AppRef, Hit, Query, Sort};
use permscope::tui::action::{Action, Effect};
use permscope::tui::app::App;
use permscope::tui::keymap::Keymap;
use permscope::tui::results::{AdviceWorker, FilterResult, SearchWorker};
use permscope::tui::theme::Theme;
use permscope::tui::view::{self, ViewState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// Queries typed one character at a time: short, long, and an fzf-style abbreviation.
const TYPED: [&str; 4] = ["mai", "readwrit", "mrw", "channelmessage"];
/// Queries timed through `query::run` alone (the empty query is the unfiltered list).
const QUERIES: [&str; 7] = ["", "m", "mai", "readwrit", "mrw", "mail readwrite all", "zzzq"];
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;
const FRAMES: usize = 200;

struct Config {
    sizes: Vec<usize>,
    runs: usize,
    data_root: PathBuf,
    seed: u64,
}

fn main() {
    let mut args = std::env::args().skip(1);
    if let Some(first) = std::env::args().nth(1)
        && first == "--child-mem"
    {
        let dir = std::env::args().nth(2).unwrap_or_default();
        child_memory(&dir);
        return;
    }
    let mut config = Config {
        sizes: vec![1_000, 10_000, 100_000],
        runs: 20,
        data_root: default_data_root(),
        seed: 1,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sizes" => {
                config.sizes = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|s| s.trim().replace('_', "").parse().ok())
                    .collect();
            }
            "--big" => config.sizes.push(1_000_000),
            "--runs" => config.runs = args.next().and_then(|r| r.parse().ok()).unwrap_or(20).max(1),
            "--data-root" => config.data_root = args.next().map(PathBuf::from).unwrap_or(config.data_root),
            "--seed" => config.seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(1),
            // `cargo bench` passes `--bench`; filters and other libtest flags mean nothing here.
            _ => {}
        }
    }
    machine();
    startup_bundled(config.runs);
    let mut growth: Vec<Growth> = Vec::new();
    for &rows in &config.sizes {
        growth.push(size(&config, rows));
    }
    println!("\n## How cost grows\n");
    println!(
        "| rows | load median | App::new | query::run `mai` | latest keystroke result p95 | frame median | RSS after App::new | peak RSS (VmHWM) | RSS per row |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for g in &growth {
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.1} MB | {:.1} MB | {:.0} B |",
            g.rows,
            ms(g.load),
            ms(g.app_new),
            ms(g.filter),
            ms(g.keystroke_p95),
            ms(g.frame),
            g.rss_kb as f64 / 1024.0,
            g.hwm_kb as f64 / 1024.0,
            (g.rss_kb.saturating_sub(g.base_rss_kb) * 1024) as f64 / g.rows as f64
        );
    }
}

fn default_data_root() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("permscope-synth")
}

// ---- statistics ----

#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    median: Duration,
    p95: Duration,
    max: Duration,
    n: usize,
}

fn stats(samples: &[Duration]) -> Stats {
    let mut v = samples.to_vec();
    v.sort();
    if v.is_empty() {
        return Stats::default();
    }
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p95: at(0.95),
        max: v[v.len() - 1],
        n: v.len(),
    }
}

fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m < 10.0 {
        format!("{m:.2} ms")
    } else {
        format!("{m:.1} ms")
    }
}

fn row(label: &str, s: Stats, target: Option<Duration>, extra: &str) {
    let verdict = match target {
        Some(t) => {
            let ratio = s.p95.as_secs_f64() / t.as_secs_f64();
            format!(
                "{} (p95 = {ratio:.2}x of {})",
                if s.p95 <= t { "ok" } else { "MISSED" },
                ms(t)
            )
        }
        None => String::new(),
    };
    println!(
        "| {label} | {} | {} | {} | {} | {verdict} | {extra} |",
        ms(s.median),
        ms(s.p95),
        ms(s.max),
        s.n
    );
}

fn table_head(title: &str) {
    println!("\n### {title}\n");
    println!("| what | median | p95 | max | n | target | notes |");
    println!("|---|---:|---:|---:|---:|---|---|");
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

// ---- machine and memory ----

fn machine() {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown".into(), |m| m.trim().to_string());
    let mhz = cpuinfo
        .lines()
        .find(|l| l.starts_with("cpu MHz"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("?".into(), |m| m.trim().to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let total = status_kb(&meminfo, "MemTotal:");
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("# permscope explorer bench\n");
    println!(
        "machine: {cpus} CPUs, {model} at {mhz} MHz, {:.1} GB memory; {}",
        total as f64 / 1024.0 / 1024.0,
        if cfg!(debug_assertions) {
            "DEBUG BUILD: figures are meaningless, use --release / cargo bench"
        } else {
            "release build"
        }
    );
}

fn status_kb(text: &str, key: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// VmRSS and VmHWM of this process, in kB.
fn memory_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    (status_kb(&status, "VmRSS:"), status_kb(&status, "VmHWM:"))
}

/// In a fresh process: load (`-` for the bundled data only), build the app,
/// draw one frame, and print the memory after each step.
fn child_memory(dir: &str) {
    let before = memory_kb();
    let dirs: Vec<PathBuf> = if dir == "-" {
        Vec::new()
    } else {
        vec![PathBuf::from(dir)]
    };
    let (catalog, _) = Catalog::load(&dirs);
    let loaded = memory_kb();
    let app = App::new(catalog);
    let built = memory_kb();
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test backend");
    let mut view_state = ViewState::default();
    let (keymap, theme) = (Keymap::default(), Theme::colour());
    terminal
        .draw(|f| view::render(f, &app, &keymap, &theme, &mut view_state))
        .expect("test backend draws");
    let drawn = memory_kb();
    println!("mem {} {} {} {} {}", before.0, loaded.0, built.0, drawn.0, drawn.1);
}

struct Memory {
    start_kb: u64,
    loaded_kb: u64,
    app_kb: u64,
    drawn_kb: u64,
    hwm_kb: u64,
}

fn measure_memory(dir: &str) -> Option<Memory> {
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new(exe)
        .args(["--child-mem", dir])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("mem "))?;
    let n: Vec<u64> = line.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    (n.len() == 5).then(|| Memory {
        start_kb: n[0],
        loaded_kb: n[1],
        app_kb: n[2],
        drawn_kb: n[3],
        hwm_kb: n[4],
    })
}

// ---- the explorer ----

fn new_terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test backend")
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App, view_state: &mut ViewState) -> Duration {
    let (keymap, theme) = (Keymap::default(), Theme::colour());
    let t = Instant::now();
    terminal
        .draw(|f| view::render(f, app, &keymap, &theme, view_state))
        .expect("test backend draws");
    t.elapsed()
}

/// Startup to first frame with the bundled data, in process (no terminal, no exec).
fn startup_bundled(runs: usize) {
    let (mut load, mut new, mut first, mut total) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let ((catalog, _), l) = time(|| Catalog::load(&[]));
        let (mut app, n) = time(|| App::new(catalog));
        app.update(Action::Resize(WIDTH, HEIGHT));
        let mut terminal = new_terminal();
        let mut view_state = ViewState::default();
        let f = draw(&mut terminal, &app, &mut view_state);
        total.push(t.elapsed());
        load.push(l);
        new.push(n);
        first.push(f);
    }
    let mem = measure_memory("-");
    table_head("Startup to first frame, bundled data (in process: load + App::new + first 200x60 draw)");
    let target = Some(Duration::from_millis(50));
    row("Catalog::load(&[])", stats(&load), None, "");
    row("App::new", stats(&new), None, "");
    row("first draw", stats(&first), None, "");
    row(
        "total",
        stats(&total),
        target,
        "process start and terminal setup not included: see bench/startup-tmux.sh",
    );
    if let Some(m) = mem {
        println!(
            "\nmemory, bundled data: {:.1} MB resident after the first frame (peak {:.1} MB)",
            m.drawn_kb as f64 / 1024.0,
            m.hwm_kb as f64 / 1024.0
        );
    }
}

struct Growth {
    rows: usize,
    load: Duration,
    app_new: Duration,
    filter: Duration,
    keystroke_p95: Duration,
    frame: Duration,
    rss_kb: u64,
    hwm_kb: u64,
    base_rss_kb: u64,
}

fn ensure_data(config: &Config, rows: usize) -> PathBuf {
    let dir = config.data_root.join(format!("rows-{rows}-seed-{}", config.seed));
    let options = synth::Options {
        rows,
        seed: config.seed,
        rows_per_product: synth::ROWS_PER_PRODUCT,
    };
    if !synth::already_written(&dir, &options) {
        eprintln!("writing {rows} synthetic rows to {} ...", dir.display());
        // The folder is ours (under target/): replace whatever an older run left.
        synth::write_dir(&dir, &options, true).expect("synthetic data is written");
    }
    dir
}

fn size(config: &Config, rows: usize) -> Growth {
    let dir = ensure_data(config, rows);
    // A million rows take seconds per load: fewer repetitions there.
    let runs = if rows >= 1_000_000 {
        config.runs.min(3)
    } else {
        config.runs
    };
    println!("\n## {rows} synthetic rows (+ bundled), {runs} runs\n");
    println!("data: {}", dir.display());

    let mut loads = Vec::new();
    let mut catalog = None;
    for _ in 0..runs {
        let ((c, report), d) = time(|| Catalog::load(std::slice::from_ref(&dir)));
        assert!(
            report.errors.is_empty(),
            "synthetic data loads without errors: {:?}",
            report.errors.first()
        );
        loads.push(d);
        catalog = Some(c);
    }
    let catalog = catalog.expect("at least one run");
    let total_rows = catalog.requirements.len();

    let mut news = Vec::new();
    for _ in 0..runs {
        let c = catalog.clone();
        let (app, d) = time(|| App::new(c));
        news.push(d);
        drop(app);
    }

    table_head(&format!("Loading and filtering, {total_rows} rows"));
    row(
        "Catalog::load",
        stats(&loads),
        None,
        "read + parse + validate + rate every row",
    );
    row("App::new", stats(&news), None, "first query::run, entries");

    let mut filter_mai = Duration::ZERO;
    for q in QUERIES {
        let query = Query {
            text: q.to_string(),
            ..Query::default()
        };
        let mut samples = Vec::new();
        let mut hits = 0;
        for _ in 0..runs {
            let (h, d) = time(|| query::run(&catalog, &query, Sort::Relevance));
            hits = h.len();
            samples.push(d);
        }
        let s = stats(&samples);
        if q == "mai" {
            filter_mai = s.median;
        }
        row(
            &format!("query::run `{q}`"),
            s,
            Some(Duration::from_millis(16)),
            &format!("{hits} hits"),
        );
    }

    // What `list --query mai --format plain` does after loading, and what exit costs.
    let mai = Query {
        text: "mai".to_string(),
        ..Query::default()
    };
    let rows_mai: Vec<usize> = query::run(&catalog, &mai, Sort::Relevance)
        .iter()
        .map(|h| h.row)
        .collect();
    let mut renders = Vec::new();
    let mut bytes = 0;
    for _ in 0..runs {
        let (text, d) = time(|| listing::render(&catalog, &rows_mai, ListFormat::Plain, 120));
        bytes = text.len();
        renders.push(d);
    }
    row(
        "listing::render plain, `mai` hits",
        stats(&renders),
        None,
        &format!("{} lines, {:.1} MB", rows_mai.len(), bytes as f64 / 1e6),
    );
    let mut drops = Vec::new();
    for _ in 0..runs.min(5) {
        let c = catalog.clone();
        let (_, d) = time(|| drop(c));
        drops.push(d);
    }
    row(
        "drop(Catalog)",
        stats(&drops),
        None,
        "paid at exit unless the process exits first",
    );
    println!(
        "\nsizes: Requirement {} B, Hit {} B, table Entry {} B",
        std::mem::size_of::<permscope::model::product::Requirement>(),
        std::mem::size_of::<Hit>(),
        std::mem::size_of::<permscope::tui::app::Entry>(),
    );

    // Keystrokes as the explorer's loop handles them: `App::update` on the UI
    // thread, filter requests to a worker (above App's threshold), results back
    // through `App::filter_done`.
    // Every timed sample starts from a fresh App, so results the app keeps from
    // an earlier run (it reuses recent answers) never make a sample look fast.
    // Fresh apps share one catalog, as the explorer has one: a copy per
    // sample would time page faults of the copy, not the explorer.
    let catalog = Arc::new(catalog);
    let (probe, _) = fresh(&catalog);
    let background = probe.searches_in_background();
    drop(probe);
    let (mut app, mut worker): (App, Worker);
    println!(
        "\nfiltering: {} (App::background_filter = {})",
        if background {
            "on the worker thread; the UI thread only sends requests and takes results"
        } else {
            "on the UI thread, inside App::update"
        },
        background
    );
    table_head(&format!(
        "Typing, {total_rows} rows: results of the latest keystroke, and the longest the UI thread is blocked"
    ));
    let mut every_latency = Vec::new();
    let mut every_block = Vec::new();
    for gap_ms in [0u64, 80] {
        for q in TYPED {
            let mut latency = Vec::new();
            let mut blocks = Vec::new();
            let mut per_key: Vec<Vec<Duration>> = vec![Vec::new(); q.chars().count()];
            for _ in 0..runs {
                (app, worker) = fresh(&catalog);
                let t = type_timed(&mut app, &worker, q, Duration::from_millis(gap_ms));
                latency.push(t.latest);
                for (i, d) in t.per_key.iter().enumerate() {
                    per_key[i].push(*d);
                }
                blocks.extend(t.blocks);
            }
            let blocked = blocks.iter().filter(|d| **d > Duration::from_millis(16)).count();
            let medians: Vec<String> = per_key.iter().map(|k| ms(stats(k).median)).collect();
            row(
                &format!("type `{q}` {gap_ms} ms apart: latest result"),
                stats(&latency),
                Some(Duration::from_millis(50)),
                &format!("update() per key (median): {}", medians.join(", ")),
            );
            row(
                &format!("type `{q}` {gap_ms} ms apart: UI thread per event"),
                stats(&blocks),
                Some(Duration::from_millis(16)),
                &format!("{blocked} of {} events block a frame > 16 ms", blocks.len()),
            );
            every_latency.extend(latency);
            every_block.extend(blocks);
        }
    }
    for gap_ms in [0u64, 80] {
        let mut backspace = Vec::new();
        for _ in 0..runs {
            (app, worker) = fresh(&catalog);
            type_timed(&mut app, &worker, "readwrit", Duration::from_millis(gap_ms));
            let (_, latency) = worker.act(&mut app, Action::InputBackspace);
            backspace.push(latency);
        }
        row(
            &format!("Backspace after typing `readwrit` {gap_ms} ms apart: result"),
            stats(&backspace),
            Some(Duration::from_millis(50)),
            if gap_ms == 0 && background {
                "`readwri` was overtaken, never answered"
            } else {
                "`readwri` was answered a moment ago"
            },
        );
    }
    let keystroke_p95 = stats(&every_latency).p95;
    row(
        "every typed query above: latest result",
        stats(&every_latency),
        Some(Duration::from_millis(50)),
        "",
    );
    row(
        "every UI-thread event above",
        stats(&every_block),
        Some(Duration::from_millis(16)),
        "update() or filter_done()",
    );

    // Other actions that refilter or walk every row.
    table_head(&format!("Other actions, {total_rows} rows: time to result"));
    // (label, action, steps in its cycle): sample r times step r % cycle, on a fresh app.
    let actions: [(&str, Action, usize); 5] = [
        ("m (group by permission), each way", Action::ToggleGrouping, 2),
        ("s (cycle sort), each step", Action::CycleSort, Sort::ALL.len()),
        ("r (cycle minimum risk), each step", Action::CycleMinRisk, 5),
        ("t (cycle type), each step", Action::CycleType, 3),
        ("j (move down)", Action::MoveDown, 1),
    ];
    for (label, action, cycle) in actions {
        let mut samples = Vec::new();
        let mut blocks = Vec::new();
        for r in 0..runs {
            (app, worker) = fresh(&catalog);
            worker.settle(&mut app, vec![action.clone(); r % cycle]);
            let (block, latency) = worker.act(&mut app, action.clone());
            samples.push(latency);
            blocks.push(block);
        }
        row(
            label,
            stats(&samples),
            Some(Duration::from_millis(50)),
            &format!("UI thread p95 {}", ms(stats(&blocks).p95)),
        );
    }
    let mut clear = Vec::new();
    for _ in 0..runs {
        (app, worker) = fresh(&catalog);
        worker.settle(&mut app, vec![Action::CycleType]);
        let (_, latency) = worker.act(&mut app, Action::ClearFilters);
        clear.push(latency);
    }
    row("x (clear filters)", stats(&clear), Some(Duration::from_millis(50)), "");
    (app, worker) = fresh(&catalog);
    let mut sel = Vec::new();
    for _ in 0..runs.min(5) {
        let (_, d) = worker.act(&mut app, Action::SelectVisible);
        sel.push(d);
        app.update(Action::ClearSelection);
    }
    row(
        "v (select every visible row)",
        stats(&sel),
        Some(Duration::from_millis(16)),
        "on the UI thread",
    );

    // Drawing one 200x60 frame.
    table_head(&format!(
        "Drawing one {WIDTH}x{HEIGHT} frame (TestBackend), {total_rows} rows"
    ));
    let mut terminal = new_terminal();
    let mut view_state = ViewState::default();
    let frames = if rows >= 1_000_000 { FRAMES / 4 } else { FRAMES };
    let mut frame_median = Duration::ZERO;
    let scenarios = [
        "table, no search",
        "search `mai`",
        "grouped (m)",
        "all selected (v), search `mai`",
    ];
    for scenario in scenarios {
        worker.settle(&mut app, vec![Action::ClearFilters, Action::ClearSelection]);
        if app.grouped {
            worker.settle(&mut app, vec![Action::ToggleGrouping]);
        }
        match scenario {
            "search `mai`" => type_query(&mut app, &worker, "mai"),
            "grouped (m)" => worker.settle(&mut app, vec![Action::ToggleGrouping]),
            "all selected (v), search `mai`" => {
                app.update(Action::SelectVisible);
                type_query(&mut app, &worker, "mai");
            }
            _ => {}
        }
        app.update(Action::MoveTop);
        let mut samples = Vec::new();
        let budget = Instant::now();
        // At least 5 frames, and no scenario runs for more than 15 s.
        while samples.len() < frames && (samples.len() < 5 || budget.elapsed() < Duration::from_secs(15)) {
            samples.push(draw(&mut terminal, &app, &mut view_state));
            app.update(Action::MoveDown);
        }
        let s = stats(&samples);
        if scenario == "table, no search" {
            frame_median = s.median;
        }
        row(
            scenario,
            s,
            Some(Duration::from_millis(2)),
            &format!("{} entries, {} selected", app.entries.len(), app.selection.len()),
        );
    }
    drop(app);
    drop(worker);

    // Startup to first frame with this data, in process.
    let mut firsts = Vec::new();
    for _ in 0..runs.min(5) {
        let t = Instant::now();
        let (catalog, _) = Catalog::load(std::slice::from_ref(&dir));
        let mut app = App::new(catalog);
        app.update(Action::Resize(WIDTH, HEIGHT));
        let mut terminal = new_terminal();
        let mut view_state = ViewState::default();
        draw(&mut terminal, &app, &mut view_state);
        firsts.push(t.elapsed());
    }
    table_head(&format!(
        "Startup to first frame with --data ({total_rows} rows, in process)"
    ));
    row("load + App::new + first draw", stats(&firsts), None, "");

    let mem = measure_memory(&dir.display().to_string());
    let base = measure_memory("-");
    let (rss_kb, hwm_kb, base_rss_kb) = match (&mem, &base) {
        (Some(m), Some(b)) => {
            println!(
                "\nmemory (fresh process, kB): start {}, after load {}, after App::new {}, after first frame {}, peak (VmHWM) {}; target < 100 MB resident: {}",
                m.start_kb,
                m.loaded_kb,
                m.app_kb,
                m.drawn_kb,
                m.hwm_kb,
                if m.drawn_kb < 100 * 1024 && m.hwm_kb < 100 * 1024 {
                    "ok"
                } else if m.drawn_kb < 100 * 1024 {
                    "ok after load, but the peak while loading is over"
                } else {
                    "MISSED"
                }
            );
            (m.drawn_kb, m.hwm_kb, b.drawn_kb)
        }
        _ => {
            println!("\nmemory: could not run the child process");
            (0, 0, 0)
        }
    };
    Growth {
        rows: total_rows,
        load: stats(&loads).median,
        app_new: stats(&news).median,
        filter: filter_mai,
        keystroke_p95,
        frame: frame_median,
        rss_kb,
        hwm_kb,
        base_rss_kb,
    }
}

/// A new explorer over a copy of `catalog` (sized 200x60) and its filter worker.
fn fresh(catalog: &Arc<Catalog>) -> (App, Worker) {
    let mut app = App::shared(Arc::clone(catalog));
    app.update(Action::Resize(WIDTH, HEIGHT));
    let worker = Worker::spawn(Arc::clone(&app.catalog), app.advisor());
    (app, worker)
}

fn type_query(app: &mut App, worker: &Worker, q: &str) {
    let mut actions = vec![Action::OpenFilter];
    actions.extend(q.chars().map(Action::InputChar));
    actions.push(Action::AcceptFilter);
    worker.settle(app, actions);
}

// ---- the explorer's loop, as `tui::run` drives it ----

/// The explorer's search worker (`tui::results::SearchWorker`, as `tui::run`
/// drives it), with its results delivered to the bench's thread.
struct Worker {
    search: SearchWorker,
    advice: AdviceWorker,
    done: mpsc::Receiver<Done>,
}

/// What the workers bring back to the bench's (UI) thread.
enum Done {
    Filtered(FilterResult),
    Advised(AppRef, Arc<AppAdvice>),
}

/// What typing one query cost.
struct Typed {
    /// From the last keystroke to its results being in the app.
    latest: Duration,
    /// `App::update` per keystroke.
    per_key: Vec<Duration>,
    /// Every stretch the UI thread spent in `update` or `filter_done`.
    blocks: Vec<Duration>,
}

impl Worker {
    fn spawn(catalog: Arc<Catalog>, advisor: Advisor) -> Worker {
        let (tx, done) = mpsc::channel::<Done>();
        // The explorer's own workers, delivering to this thread instead of the UI loop.
        let advice_tx = tx.clone();
        let advice = AdviceWorker::spawn(Arc::clone(&catalog), advisor, move |app, advice| {
            advice_tx.send(Done::Advised(app, advice)).is_ok()
        });
        let search = SearchWorker::spawn(catalog, move |result| tx.send(Done::Filtered(result)).is_ok());
        Worker { search, advice, done }
    }

    /// Runs the effects the loop would run; returns true when a filter was requested.
    fn dispatch(&self, effects: Vec<Effect>) -> bool {
        let mut sent = false;
        for effect in effects {
            match effect {
                Effect::Filter(request) => {
                    sent = true;
                    self.search.submit(request);
                }
                Effect::Advise(app) => self.advice.submit(app),
                _ => {}
            }
        }
        sent
    }

    /// Takes results until `deadline` (or until the app has its latest result,
    /// when `deadline` is `None`); returns the UI time spent in `filter_done`.
    fn pump(&self, app: &mut App, deadline: Option<Instant>) -> Vec<Duration> {
        let mut blocks = Vec::new();
        loop {
            if deadline.is_none() && !app.filtering() {
                return blocks;
            }
            let msg = match deadline {
                Some(at) => match self.done.recv_timeout(at.saturating_duration_since(Instant::now())) {
                    Ok(m) => m,
                    Err(_) => return blocks,
                },
                None => match self.done.recv() {
                    Ok(m) => m,
                    Err(_) => return blocks,
                },
            };
            let t = Instant::now();
            match msg {
                Done::Filtered(result) => {
                    let effects = app.filter_done(result);
                    blocks.push(t.elapsed());
                    self.dispatch(effects);
                }
                Done::Advised(which, advice) => {
                    app.advice_done(which, advice);
                    blocks.push(t.elapsed());
                }
            }
        }
    }

    /// Applies actions and waits until the app shows their results.
    fn settle(&self, app: &mut App, actions: Vec<Action>) {
        for a in actions {
            let effects = app.update(a);
            self.dispatch(effects);
        }
        self.pump(app, None);
    }

    /// One action: (longest UI-thread stretch, time until its result is shown).
    fn act(&self, app: &mut App, action: Action) -> (Duration, Duration) {
        let t = Instant::now();
        let effects = app.update(action);
        let mut block = t.elapsed();
        self.dispatch(effects);
        for b in self.pump(app, None) {
            block = block.max(b);
        }
        (block, t.elapsed())
    }
}

/// Types `q` into the filter input one character every `gap`, as the loop
/// would see it, and measures what the reviewer waits for.
fn type_timed(app: &mut App, worker: &Worker, q: &str, gap: Duration) -> Typed {
    worker.settle(app, vec![Action::OpenFilter]);
    let mut per_key = Vec::new();
    let mut blocks = Vec::new();
    let mut last = Instant::now();
    let chars: Vec<char> = q.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        last = Instant::now();
        let effects = app.update(Action::InputChar(c));
        let d = last.elapsed();
        per_key.push(d);
        blocks.push(d);
        worker.dispatch(effects);
        if i + 1 < chars.len() {
            blocks.extend(worker.pump(app, Some(last + gap)));
        }
    }
    blocks.extend(worker.pump(app, None));
    Typed {
        latest: last.elapsed(),
        per_key,
        blocks,
    }
}
