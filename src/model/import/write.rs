//! Writing an imported product file: the user's data folder, atomic writes
//! through a temporary file that a signal or a later import cleans up, and
//! the check that no other file holds the slug.

use super::error::ImportError;
use crate::model::catalog::Catalog;
use crate::model::product::Origin;
use crate::model::text;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The user's data folder: `$XDG_DATA_HOME/permscope`, else
/// `$HOME/.local/share/permscope` (`%APPDATA%\permscope` on Windows).
pub fn default_data_dir() -> Option<PathBuf> {
    let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").and_then(absolute) {
        return Some(dir.join("permscope"));
    }
    if cfg!(windows)
        && let Some(dir) = std::env::var_os("APPDATA").and_then(absolute)
    {
        return Some(dir.join("permscope"));
    }
    std::env::var_os("HOME")
        .and_then(absolute)
        .map(|h| h.join(".local").join("share").join("permscope"))
}

/// The temporary files being written now, for [`remove_temporaries`].
static WRITING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes the temporary files being written: what a signal handler calls
/// before the process ends, so that no half-written file is left behind.
/// (SIGKILL cannot be caught: [`remove_stale_temporaries`] cleans up after it.)
pub fn remove_temporaries() {
    let mut writing = WRITING.lock().unwrap_or_else(|e| e.into_inner());
    for path in writing.drain(..) {
        let _ = std::fs::remove_file(path);
    }
}

/// A temporary file: known to [`remove_temporaries`] while it exists, and
/// removed when dropped unless disarmed.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn new(path: PathBuf) -> TempFile {
        WRITING.lock().unwrap_or_else(|e| e.into_inner()).push(path.clone());
        TempFile(Some(path))
    }

    /// The file now has its final name (or is gone): nothing to remove.
    fn disarm(&mut self) {
        if let Some(p) = self.0.take() {
            WRITING.lock().unwrap_or_else(|e| e.into_inner()).retain(|w| *w != p);
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.clone() {
            let _ = std::fs::remove_file(&p);
            self.disarm();
        }
    }
}

/// How old a temporary file of `import` must be before a later import takes
/// it for a leftover: writing even the largest product file takes seconds.
pub const STALE_TEMPORARY_AGE: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// The name of `import`'s temporary file for `slug`: hidden (the loader skips
/// names starting with a dot), with the process id and a counter.
fn temporary_name(slug: &str, n: u32) -> String {
    format!(".{slug}.json.{}-{n}.tmp", std::process::id())
}

/// True when `name` is one of `import`'s temporary files (any slug, any process).
fn is_temporary_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    let Some((slug, counters)) = rest.rsplit_once(".json.") else {
        return false;
    };
    let Some((pid, n)) = counters.split_once('-') else {
        return false;
    };
    crate::model::read::product::is_slug(slug)
        && [pid, n]
            .iter()
            .all(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes `import`'s temporary files in `dir` older than
/// [`STALE_TEMPORARY_AGE`]: leftovers of an import that was killed. Returns
/// the files removed.
pub fn remove_stale_temporaries(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let now = std::time::SystemTime::now();
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        if !is_temporary_name(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age >= STALE_TEMPORARY_AGE);
        if old && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// The product file, other than `<dir>/<slug>.json`, that holds `slug` in the
/// loaded catalog: writing `<slug>.json` beside it would make one of the two
/// a skipped duplicate.
pub fn slug_holder(catalog: &Catalog, dir: &Path, slug: &str) -> Option<PathBuf> {
    let target = dir.join(format!("{slug}.json"));
    let same = |a: &Path, b: &Path| match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    catalog
        .products
        .iter()
        .filter(|p| p.slug == slug)
        .find_map(|p| match &p.origin {
            Origin::File(path) if !same(path, &target) => Some(path.clone()),
            _ => None,
        })
}

/// Writes `text` as `<dir>/<slug>.json`, creating `dir` if needed. An existing
/// file is replaced only with `force`. The text goes to a hidden temporary file
/// in the same folder, is flushed to disk, then takes the final name in one
/// step, so a reader never sees half a file and a failure leaves nothing behind.
pub fn write_product_file(dir: &Path, slug: &str, text: &str, force: bool) -> Result<PathBuf, ImportError> {
    if !crate::model::read::product::is_slug(slug) {
        return Err(ImportError::Argument {
            field: "product",
            message: format!("`{}` is not a valid slug", text::neutralise(slug)),
        });
    }
    let io = |action: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source: std::io::Error| ImportError::Io { action, path, source }
    };
    std::fs::create_dir_all(dir).map_err(io("create the folder", dir))?;
    let target = dir.join(format!("{slug}.json"));
    if !force && std::fs::symlink_metadata(&target).is_ok() {
        return Err(ImportError::Exists(target));
    }

    // A hidden name: the loader skips files starting with a dot.
    let mut temp = None;
    for n in 0..100u32 {
        let path = dir.join(temporary_name(slug, n));
        // Known before it exists: a signal the moment after it is created removes it too.
        let mut guard = TempFile::new(path.clone());
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => {
                temp = Some((path, file, guard));
                break;
            }
            Err(e) => {
                // Not ours to remove.
                guard.disarm();
                if e.kind() != std::io::ErrorKind::AlreadyExists {
                    return Err(io("create a file in", dir)(e));
                }
            }
        }
    }
    let Some((temp_path, mut file, mut guard)) = temp else {
        return Err(ImportError::Io {
            action: "create a temporary file in",
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "too many leftover temporary files"),
        });
    };
    file.write_all(text.as_bytes()).map_err(io("write", &temp_path))?;
    file.sync_all().map_err(io("flush", &temp_path))?;
    drop(file);

    if force {
        std::fs::rename(&temp_path, &target).map_err(io("replace", &target))?;
    } else {
        // A hard link fails if the name was taken meanwhile: no overwrite even in a race.
        match std::fs::hard_link(&temp_path, &target) {
            Ok(()) => {
                let _ = std::fs::remove_file(&temp_path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(ImportError::Exists(target)),
            Err(_) => {
                // Filesystems without hard links: check again, then rename.
                if std::fs::symlink_metadata(&target).is_ok() {
                    return Err(ImportError::Exists(target));
                }
                std::fs::rename(&temp_path, &target).map_err(io("create", &target))?;
            }
        }
    }
    guard.disarm();
    // Make the new name durable too; not every platform can open a folder.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised() {
        let name = temporary_name("my-vendor", 3);
        assert!(is_temporary_name(&name), "{name}");
        for other in [
            ".my-vendor.json.tmp",
            "my-vendor.json.1-2.tmp",
            ".my-vendor.json.1-2.tmp.bak",
            ".Bad Slug.json.1-2.tmp",
            ".x.json.1-.tmp",
            ".notes.tmp",
        ] {
            assert!(!is_temporary_name(other), "{other}");
        }
    }
}
