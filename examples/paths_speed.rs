//! How fast the capability analysis is, on every bundled product's apps.
//!
//! ```sh
//! cargo run --release --example paths_speed            # timings only
//! cargo run --release --example paths_speed -- --table # and each app's outcomes
//! ```
//!
//! Builds each app's held set from the bundled catalog, then analyses all of
//! them together many times and prints the median, p95 and fastest time of one
//! whole round (every app of every product) and the median per app. Loading the
//! model is timed separately. Nothing is cached between rounds.

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
