//! Stage 10: writing the site atomically.
//!
//! The new site is assembled in a staging folder next to the output, then
//! swapped in with two renames. Files whose bytes did not change are
//! hard-linked from the previous output instead of rewritten, so their
//! modification times stay put for rsync and deploy tools. On any error the
//! staging folder is removed and the previous output is left as it was.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{io_diag, Config};
use crate::diag::{Diagnostic, Severity};
use crate::discover::is_within;
use crate::fsx;
use crate::OutputFile;

/// What a write did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub bytes: u64,
}

/// Refuses output folders that would overwrite or swallow the sources.
pub fn check_out_dir(config: &Config, out: &Path) -> Result<(), Diagnostic> {
    let root = &config.root;
    let bad = |why: &str| {
        Diagnostic::file(
            Severity::Error,
            out.display().to_string(),
            format!("refusing to write the site here: {why}"),
        )
        .with_hint(
            "choose an output folder such as `site/` with `--out` or `output-dir` in book.toml",
        )
    };
    if is_within(root, out) {
        return Err(bad("it contains the handbook's sources"));
    }
    if is_within(out, &config.content_dir()) {
        return Err(bad("it is inside `content/`"));
    }
    if is_within(out, &config.themes_dir()) {
        return Err(bad("it is inside `themes/`"));
    }
    if out.join("book.toml").exists() {
        return Err(bad("it holds a book.toml"));
    }
    Ok(())
}

fn staging_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    out.with_file_name(format!(".{name}.staging-{}", std::process::id()))
}

/// Writes `files` as the complete new content of `out`.
pub fn write_site(
    config: &Config,
    out: &Path,
    files: &[OutputFile],
) -> Result<WriteStats, Diagnostic> {
    check_out_dir(config, out)?;
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fsx::create_dir_all(parent).map_err(io_diag)?;
    }
    let staging = staging_path(out);
    if staging.exists() {
        fsx::remove_dir_all(&staging).map_err(io_diag)?;
    }
    let result = stage(out, &staging, files).and_then(|stats| swap(out, &staging).map(|_| stats));
    if result.is_err() && fsx::exists_no_follow(&staging) {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result.map_err(io_diag)
}

fn stage(out: &Path, staging: &Path, files: &[OutputFile]) -> fsx::Result<WriteStats> {
    let dirs: HashSet<&str> = files
        .iter()
        .filter_map(|f| f.path.rfind('/').map(|i| &f.path[..i]))
        .collect();
    fsx::create_dir_all(staging)?;
    let mut dirs: Vec<&str> = dirs.into_iter().collect();
    dirs.sort();
    for d in dirs {
        fsx::create_dir_all(&staging.join(d))?;
    }
    let results: Vec<fsx::Result<bool>> = files
        .par_iter()
        .map(|f| {
            let old = out.join(&f.path);
            let new = staging.join(&f.path);
            // Unchanged bytes: link the old file so its mtime survives.
            if let Ok(meta) = std::fs::symlink_metadata(&old) {
                if meta.is_file() && meta.len() == f.bytes.len() as u64 && holds(&old, &f.bytes) {
                    if fsx::hard_link(&old, &new).is_ok() {
                        return Ok(false);
                    }
                }
            }
            fsx::write(&new, &f.bytes).map(|_| true)
        })
        .collect();
    let mut stats = WriteStats::default();
    for (r, f) in results.into_iter().zip(files) {
        if r? {
            stats.written += 1;
        } else {
            stats.unchanged += 1;
        }
        stats.bytes += f.bytes.len() as u64;
    }
    Ok(stats)
}

/// Whether the file at `path` holds exactly `bytes`. It is read in pieces
/// into one small buffer and compared as it goes, rather than read whole
/// into new memory: a rebuild compares every page of the site. A file
/// that cannot be read does not hold them (it is written anew).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut buf = [0u8; 16 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut buf) {
            Ok(0) => return rest.is_empty(),
            Ok(n) => match rest.strip_prefix(&buf[..n]) {
                Some(tail) => rest = tail,
                None => return false,
            },
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

fn swap(out: &Path, staging: &Path) -> fsx::Result<()> {
    if fsx::exists_no_follow(out) {
        let old = out.with_file_name(format!(
            ".{}.old-{}",
            out.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        fsx::rename(out, &old)?;
        if let Err(e) = fsx::rename(staging, out) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(&old, out);
            return Err(e);
        }
        fsx::remove_dir_all(&old)?;
    } else {
        fsx::rename(staging, out)?;
    }
    Ok(())
}

/// Removes the output folder (`handbook clean`).
pub fn clean(config: &Config, out: &Path) -> Result<bool, Diagnostic> {
    check_out_dir(config, out)?;
    if !out.exists() {
        return Ok(false);
    }
    fsx::remove_dir_all(out).map_err(io_diag)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_compares_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        // Longer than the read buffer, so the comparison runs over pieces.
        let page: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &page).unwrap();
        assert!(holds(&path, &page));
        let mut late = page.clone();
        *late.last_mut().unwrap() ^= 1;
        assert!(!holds(&path, &late), "a difference in the last piece");
        assert!(!holds(&path, &page[..page.len() - 1]), "a shorter page");
        let mut longer = page.clone();
        longer.push(0);
        assert!(!holds(&path, &longer), "a longer page");
        assert!(!holds(&dir.path().join("missing.html"), b""));
        std::fs::write(&path, b"").unwrap();
        assert!(holds(&path, b""));
    }
}
