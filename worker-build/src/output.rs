//! The output folder, with a lock that serializes builds of one crate and a stamp that lets an
//! unchanged build skip wasm-bindgen. New output is written to a staging folder that is then
//! moved into place, so readers see either the previous complete output or the new one.

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::say;

/// The entry module that wrangler's `main` points to.
pub(crate) const SHIM_FILE: &str = "index.js";
/// The wasm-bindgen glue.
pub(crate) const GLUE_FILE: &str = "index_bg.js";
/// The processed wasm module.
pub(crate) const WASM_FILE: &str = "index_bg.wasm";
/// The record of what produced the output: worker-build's identity and the input module's hash.
const STAMP_FILE: &str = ".worker-build-stamp";

/// An exclusive lock on building one crate, released when dropped.
#[derive(Debug)]
pub(crate) struct BuildLock {
    _file: File,
}

/// Takes the build lock of a package, waiting for another worker-build that holds it.
///
/// The lock file lives in the target folder, which cargo already uses for scratch files.
///
/// # Errors
///
/// Fails when the lock file cannot be created or locked.
pub(crate) fn lock(target_dir: &Path, package_name: &str) -> Result<BuildLock> {
    let dir = target_dir.join("worker-build");
    fs::create_dir_all(&dir).with_context(|| format!("failed to create {}", dir.display()))?;
    let path = dir.join(format!("{package_name}.lock"));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("failed to open the lock file {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            say!("waiting for another worker-build of `{package_name}` to finish");
            file.lock()
                .with_context(|| format!("failed to lock {}", path.display()))?;
        }
        Err(TryLockError::Error(error)) => {
            return Err(error).with_context(|| format!("failed to lock {}", path.display()));
        }
    }
    Ok(BuildLock { _file: file })
}

/// Returns the stamp of an output built from `wasm` by this worker-build.
///
/// Besides the version, the stamp records the size and modification time of the worker-build
/// executable, so that a rebuilt worker-build of the same version regenerates the output.
pub(crate) fn stamp(wasm: &[u8]) -> String {
    let hash = Sha256::digest(wasm);
    let hex: String = hash.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "worker-build {} {}\ninput-sha256 {hex}\n",
        env!("CARGO_PKG_VERSION"),
        executable_identity()
    )
}

fn executable_identity() -> String {
    let metadata = std::env::current_exe().and_then(fs::metadata);
    let Ok(metadata) = metadata else {
        return "unknown-executable".to_owned();
    };
    let modified = metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos());
    format!("size={} modified={modified}", metadata.len())
}

/// Checks whether `out_dir` contains a complete output with this stamp.
pub(crate) fn is_up_to_date(out_dir: &Path, stamp: &str) -> bool {
    let recorded = fs::read_to_string(out_dir.join(STAMP_FILE));
    recorded.is_ok_and(|recorded| recorded == stamp)
        && [SHIM_FILE, GLUE_FILE, WASM_FILE]
            .iter()
            .all(|file| out_dir.join(file).is_file())
}

/// Writes `files` (paths relative to the output folder) and the stamp into a staging folder
/// beside `out_dir`, then moves it into place of `out_dir`.
///
/// The caller holds the build lock, so staging folders left by a crashed run can be removed.
///
/// # Errors
///
/// Fails when `out_dir` exists but was not written by worker-build (it is not replaced then),
/// or on any file system error.
pub(crate) fn install(out_dir: &Path, files: &[(PathBuf, Vec<u8>)], stamp: &str) -> Result<()> {
    check_replaceable(out_dir)?;
    let (staging, previous) = sibling_paths(out_dir)?;
    remove_dir_if_present(&staging)?;
    remove_dir_if_present(&previous)?;
    if let Some(parent) = out_dir.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("failed to create {}", parent.display()))?;
    }
    write_files(&staging, files, stamp)?;

    // Two renames: the old output moves aside, then the new one takes its name. Between them
    // `out_dir` is briefly missing, but it is never partly written.
    if out_dir.exists() {
        rename(out_dir, &previous)?;
    }
    rename(&staging, out_dir)?;
    remove_dir_if_present(&previous)
}

/// Rejects an existing `out_dir` that is not a previous output, so that a mistyped
/// `--out-dir` (such as `.` or `src`) is never deleted.
pub(crate) fn check_replaceable(out_dir: &Path) -> Result<()> {
    if !out_dir.exists() {
        return Ok(());
    }
    if !out_dir.is_dir() {
        bail!(
            "{} is not a folder; pass another --out-dir",
            out_dir.display()
        );
    }
    let is_empty = fs::read_dir(out_dir)
        .with_context(|| format!("failed to read {}", out_dir.display()))?
        .next()
        .is_none();
    if !is_empty && !out_dir.join(STAMP_FILE).is_file() {
        bail!(
            "{} is not empty and was not written by worker-build, so it is left alone; pass \
             another --out-dir or remove the folder",
            out_dir.display()
        );
    }
    Ok(())
}

/// Returns the staging folder and the place the previous output moves to, both beside
/// `out_dir` so that the renames stay on one file system.
fn sibling_paths(out_dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let Some(name) = out_dir.file_name() else {
        bail!(
            "the output folder {} has no name; pass another --out-dir",
            out_dir.display()
        );
    };
    let name = name.to_string_lossy();
    let staging = out_dir.with_file_name(format!(".{name}.staging"));
    let previous = out_dir.with_file_name(format!(".{name}.staging-previous"));
    Ok((staging, previous))
}

fn write_files(staging: &Path, files: &[(PathBuf, Vec<u8>)], stamp: &str) -> Result<()> {
    fs::create_dir(staging).with_context(|| format!("failed to create {}", staging.display()))?;
    for (relative, contents) in files {
        let path = staging.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("failed to create {}", parent.display()))?;
        }
        fs::write(&path, contents)
            .with_context(|| format!("failed to write {}", path.display()))?;
    }
    // The stamp goes last: a staging folder with a stamp is complete.
    let path = staging.join(STAMP_FILE);
    fs::write(&path, stamp).with_context(|| format!("failed to write {}", path.display()))
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    fs::rename(from, to)
        .with_context(|| format!("failed to rename {} to {}", from.display(), to.display()))
}

fn remove_dir_if_present(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => {
            Err(error).with_context(|| format!("failed to remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    fn files() -> Vec<(PathBuf, Vec<u8>)> {
        vec![
            (PathBuf::from(SHIM_FILE), b"shim".to_vec()),
            (PathBuf::from(GLUE_FILE), b"glue".to_vec()),
            (PathBuf::from(WASM_FILE), b"\0asm".to_vec()),
            (PathBuf::from("snippets/a/inline0.js"), b"snippet".to_vec()),
        ]
    }

    #[test]
    fn install_then_replace() {
        let scratch = scratch();
        let root = scratch.path();
        let out_dir = root.join("build");
        install(&out_dir, &files(), "one").unwrap();
        assert_eq!(fs::read(out_dir.join(SHIM_FILE)).unwrap(), b"shim");
        assert_eq!(
            fs::read(out_dir.join("snippets/a/inline0.js")).unwrap(),
            b"snippet"
        );
        assert!(is_up_to_date(&out_dir, "one"));
        assert!(!is_up_to_date(&out_dir, "two"));

        install(&out_dir, &files()[..3], "two").unwrap();
        assert!(is_up_to_date(&out_dir, "two"));
        assert!(
            !out_dir.join("snippets").exists(),
            "files of the old output remain"
        );
        let names: Vec<_> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["build"], "staging folders remain");
    }

    #[test]
    fn incomplete_output_is_not_up_to_date() {
        let scratch = scratch();
        let root = scratch.path();
        let out_dir = root.join("build");
        install(&out_dir, &files(), "one").unwrap();
        fs::remove_file(out_dir.join(GLUE_FILE)).unwrap();
        assert!(!is_up_to_date(&out_dir, "one"));
    }

    #[test]
    fn stale_staging_folder_is_removed() {
        let scratch = scratch();
        let root = scratch.path();
        fs::create_dir_all(root.join(".build.staging/leftover")).unwrap();
        install(&root.join("build"), &files(), "one").unwrap();
        assert!(!root.join(".build.staging").exists());
    }

    #[test]
    fn foreign_folder_is_not_replaced() {
        let scratch = scratch();
        let root = scratch.path();
        let out_dir = root.join("src");
        fs::create_dir_all(&out_dir).unwrap();
        fs::write(out_dir.join("lib.rs"), "fn main() {}").unwrap();
        let error = install(&out_dir, &files(), "one").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("was not written by worker-build"),
            "{error}"
        );
        assert!(out_dir.join("lib.rs").is_file());
    }

    #[test]
    fn empty_folder_is_replaced() {
        let scratch = scratch();
        let root = scratch.path();
        let out_dir = root.join("build");
        fs::create_dir_all(&out_dir).unwrap();
        install(&out_dir, &files(), "one").unwrap();
        assert!(is_up_to_date(&out_dir, "one"));
    }

    #[test]
    fn stamp_changes_with_the_input() {
        assert_eq!(stamp(b"a"), stamp(b"a"));
        assert_ne!(stamp(b"a"), stamp(b"b"));
        assert!(stamp(b"a").contains(env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn lock_waits_for_the_holder() {
        let scratch = scratch();
        let root = scratch.path();
        let first = lock(root, "crate").unwrap();
        let second = File::options()
            .write(true)
            .open(root.join("worker-build/crate.lock"))
            .unwrap();
        assert!(matches!(second.try_lock(), Err(TryLockError::WouldBlock)));
        drop(first);
        assert!(second.try_lock().is_ok());
    }
}
