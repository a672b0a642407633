//! How fast `permscope advise` is: every app of every bundled product,
//! advised and rendered as JSON, with a fresh advisor each round.
//!
//! ```sh
//! cargo run --release --example advise_speed
//! ```
//!
//! The first round of the process also parses the embedded Microsoft catalog
//! and its Graph operation map; it is timed on its own. Each later round starts
//! from a new `Advisor` (no operation looked up yet), as one `permscope advise`
//! run does, so a round is what a user waits for minus process start.

use permscope::model::advise::render::{AdviseFormat, render};
use permscope::model::advise::{Advisor, app_context};
use permscope::model::catalog::Catalog;
use std::time::{Duration, Instant};

const ROUNDS: usize = 51;

fn main() {
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run with --release for figures that mean something");
    }
    let (catalog, report) = Catalog::load(&[]);
    assert!(report.errors.is_empty(), "bundled products load: {:?}", report.errors);
    let round = || {
        let started = Instant::now();
        let mut advisor = Advisor::bundled();
        let mut bytes = 0;
        let mut counts = (0, 0, 0, 0);
        for p in 0..catalog.products.len() {
            let advice = advisor.product(&catalog, p, None, &|a| app_context(&catalog, p, a));
            bytes += render(&catalog, &advice, AdviseFormat::Json, 100).len();
            for a in &advice.apps {
                counts.0 += a.requirements.iter().map(|r| r.alternatives.len()).sum::<usize>();
                counts.1 += a.hardening.len();
                counts.2 += a.questions.len();
                counts.3 += a.reduction.changes.len();
            }
        }
        (started.elapsed(), bytes, counts)
    };
    let (first, bytes, counts) = round();
    let mut times: Vec<Duration> = (0..ROUNDS).map(|_| round().0).collect();
    times.sort();
    let apps: usize = catalog.products.iter().map(|p| p.apps.len()).sum();
    println!(
        "advise, all {apps} apps of {} products (JSON, {bytes} bytes; {} alternatives, {} hardening steps, {} questions, {} changes in the least-privilege sets)",
        catalog.products.len(),
        counts.0,
        counts.1,
        counts.2,
        counts.3
    );
    println!(
        "first round (parses the embedded catalogs) {:.2} ms; then {ROUNDS} rounds: median {:.2} ms, p95 {:.2} ms, fastest {:.2} ms",
        ms(first),
        ms(times[ROUNDS / 2]),
        ms(times[ROUNDS * 95 / 100]),
        ms(times[0])
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
