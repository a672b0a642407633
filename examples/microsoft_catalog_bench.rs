//! What embedding Microsoft's catalog costs: parsing each embedded file, the
//! first lookup of a fresh process, and lookups once parsed. Prints medians and
//! maxima over repeated runs.
//!
//! ```sh
//! cargo run --release --example microsoft_catalog_bench
//! cargo run --release --example microsoft_catalog_bench -- --runs 200
//! ```
//!
//! Run it in release mode: a debug build is several times slower and says
//! nothing about what a user waits for. Besides wall time it reports the time
//! this thread spent on a CPU (Linux `/proc/thread-self/schedstat`), which a busy
//! machine inflates far less.

use permscope::model::microsoft::{self, GRAPH_APP_ID, MicrosoftCatalog, OperationMap};
use permscope::model::permission::PermissionKind;
use permscope::model::read::microsoft::{parse_bundled_operations, parse_bundled_permissions};
use std::hint::black_box;
use std::time::{Duration, Instant};

const EXCHANGE: &str = "00000002-0000-0ff1-ce00-000000000000";

fn main() {
    let mut runs = 50;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs).max(1),
            other => {
                eprintln!("unknown argument {other}; usage: microsoft_catalog_bench [--runs N]");
                std::process::exit(2);
            }
        }
    }
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run with --release for figures that mean something");
    }

    // A fresh process pays the parse on its first lookup: time that first, once.
    let catalog = MicrosoftCatalog::bundled();
    let mut first = false;
    let first_lookup = repeat(1, || {
        first = catalog
            .get(GRAPH_APP_ID, PermissionKind::Application, "Mail.Send")
            .is_some();
    });
    let mut first_ops = OperationMap::NotListed;
    let first_operations = repeat(1, || {
        first_ops = catalog.operations(GRAPH_APP_ID, PermissionKind::Application, "User.ReadWrite.All");
    });
    assert!(
        first && matches!(first_ops, OperationMap::Listed(_)),
        "the embedded catalog answers"
    );

    println!("| what | runs | wall median | wall max | CPU median |");
    println!("|---|---:|---:|---:|---:|");
    row(
        "first lookup in this process (indexes permissions.json, parses one row)",
        &first_lookup,
    );
    row(
        "first operations() in this process (indexes graph-operations.json, parses one entry)",
        &first_operations,
    );
    row(
        "parse permissions.json (fresh, from_json)",
        &repeat(runs, || {
            black_box(parse_bundled_permissions().map(|c| c.len()).unwrap_or(0));
        }),
    );
    row(
        "parse graph-operations.json (fresh)",
        &repeat(runs.div_ceil(2), || {
            black_box(parse_bundled_operations().unwrap_or(0));
        }),
    );

    let lookups = 10_000;
    let per = |d: Vec<Sample>| -> Vec<Sample> {
        d.into_iter()
            .map(|s| Sample {
                wall: s.wall / lookups,
                cpu: s.cpu.map(|c| c / lookups),
            })
            .collect()
    };
    row(
        "get(resource, kind, name), per lookup",
        &per(repeat(runs, || {
            for _ in 0..lookups {
                black_box(catalog.get(
                    black_box(GRAPH_APP_ID),
                    PermissionKind::Application,
                    black_box("User.ReadWrite.All"),
                ));
            }
        })),
    );
    row(
        "name_of(resource, kind, GUID), per lookup",
        &per(repeat(runs, || {
            for _ in 0..lookups {
                black_box(catalog.name_of(
                    black_box(EXCHANGE),
                    PermissionKind::Application,
                    black_box("DC890D15-9560-4A4C-9B7F-A736EC74EC40"),
                ));
            }
        })),
    );
    row(
        "spelled_differently, per lookup",
        &per(repeat(runs, || {
            for _ in 0..lookups {
                black_box(catalog.spelled_differently(
                    black_box(GRAPH_APP_ID),
                    PermissionKind::Delegated,
                    black_box("mail.readwrite"),
                ));
            }
        })),
    );
    row(
        "suggest (Graph, about 1,600 names)",
        &repeat(runs, || {
            black_box(catalog.suggest(GRAPH_APP_ID, PermissionKind::Application, black_box("Mail.Sned")));
        }),
    );
    row(
        "operations(User.ReadWrite.All, application)",
        &repeat(runs, || {
            black_box(catalog.operations(
                GRAPH_APP_ID,
                PermissionKind::Application,
                black_box("User.ReadWrite.All"),
            ));
        }),
    );
    row(
        "operations(Directory.ReadWrite.All, delegated)",
        &repeat(runs, || {
            black_box(catalog.operations(
                GRAPH_APP_ID,
                PermissionKind::Delegated,
                black_box("Directory.ReadWrite.All"),
            ));
        }),
    );
    row(
        "clone the bundled catalog and insert one GUID",
        &repeat(runs, || {
            let mut c = catalog.clone();
            c.insert(
                GRAPH_APP_ID,
                PermissionKind::Application,
                "Tenant.Only",
                microsoft::MicrosoftPermission::new("00000000-0000-0000-0000-000000000001"),
            );
            black_box(c);
        }),
    );
}

/// One timed run: wall time, and time on a CPU where the system says.
#[derive(Debug, Clone, Copy)]
struct Sample {
    wall: Duration,
    cpu: Option<Duration>,
}

/// Nanoseconds this thread has spent on a CPU (Linux), if readable.
fn cpu_now() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

fn repeat(runs: usize, mut f: impl FnMut()) -> Vec<Sample> {
    (0..runs)
        .map(|_| {
            let c = cpu_now();
            let t = Instant::now();
            f();
            let wall = t.elapsed();
            let cpu = c.zip(cpu_now()).map(|(a, b)| b.saturating_sub(a));
            Sample { wall, cpu }
        })
        .collect()
}

fn median(mut v: Vec<Duration>) -> Option<Duration> {
    v.sort();
    v.get(v.len() / 2).copied()
}

fn row(what: &str, samples: &[Sample]) {
    let wall: Vec<Duration> = samples.iter().map(|s| s.wall).collect();
    let max = wall.iter().max().copied().unwrap_or_default();
    let cpu: Option<Vec<Duration>> = samples.iter().map(|s| s.cpu).collect();
    println!(
        "| {what} | {} | {} | {} | {} |",
        samples.len(),
        median(wall).map(show).unwrap_or_default(),
        show(max),
        // The scheduler accounts CPU time at its ticks: below one it reads 0.
        cpu.and_then(median)
            .filter(|d| !d.is_zero())
            .map(show)
            .unwrap_or_else(|| "-".into())
    );
}

fn show(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else if us >= 1.0 {
        format!("{us:.1} µs")
    } else {
        format!("{:.0} ns", us * 1000.0)
    }
}
