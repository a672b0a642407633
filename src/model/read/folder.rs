//! Reading a folder of product files: worker threads read, parse and validate
//! the files while the caller adds the finished ones in file-name order.

use crate::model::product::{Api, Origin};
use crate::model::read::product::{self, Parsed, RowPool};
use crate::model::read::{ErrorKind, ReadError, file};
use crate::model::workload::WorkloadRules;
use std::path::{Path, PathBuf};

/// A product file read, parsed and validated (off the caller's thread).
pub(crate) struct Prepared {
    pub path: PathBuf,
    /// The slug, when the file parsed.
    pub slug: Option<String>,
    pub result: Result<Parsed, ReadError>,
}

/// Product files in a data folder: `*.json` except schemas and hidden files, sorted by name.
pub fn product_files(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let origin = dir.display().to_string();
    let folder = |message: String| ReadError {
        kind: ErrorKind::Folder,
        ..ReadError::file(&origin, message)
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        folder(match e.kind() {
            std::io::ErrorKind::NotFound => "no such data folder".into(),
            std::io::ErrorKind::NotADirectory => {
                "not a folder: --data and PERMSCOPE_DATA name folders of product files".into()
            }
            _ => format!("cannot read data folder: {e}"),
        })
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| folder(format!("cannot list data folder: {e}")))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.ends_with(".json") && !name.ends_with(".schema.json") && !name.starts_with('.') {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Reads one product file completely: text, parse, validation.
fn prepare(path: &Path, apis: &[Api], rules: &WorkloadRules, pool: &mut RowPool) -> Prepared {
    let origin = path.display().to_string();
    let failed = |e| Prepared {
        path: path.to_path_buf(),
        slug: None,
        result: Err(e),
    };
    let text = match file::read_json_text(path) {
        Ok(text) => text,
        Err(e) => return failed(e),
    };
    let parsed = match product::parse_product(&text, &origin) {
        Ok(file) => file,
        Err(e) => return failed(e),
    };
    let slug = Some(parsed.slug.clone());
    let result = product::validate(
        parsed,
        &|| text.clone(),
        Origin::File(path.to_path_buf()),
        apis,
        rules,
        pool,
    );
    Prepared {
        path: path.to_path_buf(),
        slug,
        result,
    }
}

/// Reads every product file of `dir`, handing each to `add` in file-name order.
/// A file that cannot be used is handed over with its error; a folder that
/// cannot be listed is the error returned.
pub(crate) fn read_folder(
    dir: &Path,
    apis: &[Api],
    rules: &WorkloadRules,
    mut add: impl FnMut(Prepared),
) -> Result<(), ReadError> {
    let files = product_files(dir)?;
    // Reading, parsing and validating are independent per file: worker
    // threads take the files in turn while this thread adds the finished
    // ones in order. Each worker keeps its own pool of shared text.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let mut pools: Vec<RowPool> = (0..threads).map(|_| RowPool::default()).collect();
    if files.len() < 2 || threads < 2 {
        for path in &files {
            add(prepare(path, apis, rules, &mut pools[0]));
        }
        return Ok(());
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    // How many files are added: a worker never prepares a file more than
    // `ahead` past it, so a slow (large) file cannot make the others pile up.
    let progress = Progress::default();
    let ahead = threads * 4;
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Prepared)>(ahead);
    std::thread::scope(|scope| {
        let workers: Vec<_> = pools
            .iter_mut()
            .map(|pool| {
                let (tx, next, files, progress) = (tx.clone(), &next, &files, &progress);
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        progress.wait_below(i, ahead);
                        // A panic on one file is that file's error: no file goes missing,
                        // and the file being waited for always arrives.
                        let file =
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| prepare(path, apis, rules, pool)))
                                .unwrap_or_else(|_| {
                                    *pool = RowPool::default();
                                    Prepared {
                                        path: path.clone(),
                                        slug: None,
                                        result: Err(ReadError::file(
                                            path.display().to_string(),
                                            "the loader failed on this file",
                                        )),
                                    }
                                });
                        if tx.send((i, file)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(tx);
        // Whatever happens here (even a panic), waiting workers are let go.
        let _release = ReleaseOnDrop(&progress);
        // Files finish out of order: hold each until those before it are added.
        let mut waiting: std::collections::BTreeMap<usize, Prepared> = Default::default();
        let mut due = 0;
        for (i, file) in rx {
            waiting.insert(i, file);
            while let Some(file) = waiting.remove(&due) {
                add(file);
                due += 1;
            }
            progress.set(due);
        }
        // A worker that failed took files with it: report them, and keep the order.
        for (i, path) in files.iter().enumerate().skip(due) {
            let file = waiting.remove(&i).unwrap_or_else(|| Prepared {
                path: path.clone(),
                slug: None,
                result: Err(ReadError::file(path.display().to_string(), "the loader thread failed")),
            });
            add(file);
        }
        for worker in workers {
            // Its files are reported above; the panic itself is not the user's concern.
            let _ = worker.join();
        }
    });
    Ok(())
}

/// How many files the loading thread has added, for workers to wait on.
#[derive(Default)]
struct Progress {
    added: std::sync::Mutex<usize>,
    changed: std::sync::Condvar,
}

impl Progress {
    /// Waits until file `i` is fewer than `ahead` files past the adding.
    fn wait_below(&self, i: usize, ahead: usize) {
        let mut added = self.added.lock().unwrap_or_else(|e| e.into_inner());
        while i >= added.saturating_add(ahead) {
            added = self.changed.wait(added).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn set(&self, added: usize) {
        *self.added.lock().unwrap_or_else(|e| e.into_inner()) = added;
        self.changed.notify_all();
    }
}

/// Lets every waiting worker go when dropped.
struct ReleaseOnDrop<'a>(&'a Progress);

impl Drop for ReleaseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set(usize::MAX);
    }
}
