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
use crate::fsx;
use crate::OutputFile;

/// What a write did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub bytes: u64,
}

/// The file that marks a folder as a site handbook built, so that a later
/// build may replace it.
pub const MARKER: &str = ".handbook-site";
const MARKER_TEXT: &str = "This folder is a site built by handbook. Each build replaces it, keeping\nonly its dot-files (such as .git) and CNAME.\n";

/// What an output folder holds that is not the site's and survives each
/// build: dot-files and folders (`.git` of a gh-pages checkout,
/// `.nojekyll`) and `CNAME`.
fn kept(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy();
    (n.starts_with('.') && n != MARKER) || n == "CNAME"
}

/// Whether `dir` holds a site that handbook built: its marker, or (for
/// sites built before the marker) a home page naming handbook as its
/// generator.
fn built_by_handbook(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
        || std::fs::read_to_string(dir.join("index.html"))
            .is_ok_and(|t| t.contains(r#"<meta name="generator" content="handbook">"#))
}

/// The folder a build writes: the target of `out` when `out` is a symbolic
/// link, so that the link stays and the site lands where it points.
pub fn resolve_out(out: &Path) -> PathBuf {
    if std::fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink()) {
        if let Ok(target) = std::fs::canonicalize(out) {
            return target;
        }
    }
    out.to_path_buf()
}

/// Refuses output folders that would overwrite or swallow the sources,
/// or replace anything that is not a site handbook built.
pub fn check_out_dir(config: &Config, out: &Path) -> Result<(), Diagnostic> {
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
    if let Some(why) = config.output_dir_clash(out) {
        return Err(bad(why));
    }
    if out.join("book.toml").exists() {
        return Err(bad("it holds a book.toml"));
    }
    let target = resolve_out(out);
    match std::fs::metadata(&target) {
        Ok(m) if !m.is_dir() => return Err(bad("it exists and is not a folder")),
        Ok(_) if !built_by_handbook(&target) => {
            let names = fsx::read_dir_names(&target).map_err(io_diag)?;
            let mut foreign: Vec<String> = (names.iter())
                .filter(|n| !kept(n))
                .map(|n| n.to_string_lossy().into_owned())
                .collect();
            if !foreign.is_empty() {
                foreign.sort();
                let shown: Vec<String> = foreign.iter().take(3).map(|n| format!("`{n}`")).collect();
                return Err(Diagnostic::file(
                    Severity::Error,
                    out.display().to_string(),
                    format!(
                        "refusing to replace this folder: it holds files that handbook did not write ({}{})",
                        shown.join(", "),
                        if foreign.len() > 3 { ", …" } else { "" }
                    ),
                )
                .with_hint("build into a new or empty folder, or empty this one first (dot-files such as .git and a CNAME file may stay: every build keeps them)"));
            }
        }
        _ => {}
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
    let out = &resolve_out(out);
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
    fsx::write(&staging.join(MARKER), MARKER_TEXT.as_bytes())?;
    let mut dirs: Vec<&str> = dirs.into_iter().collect();
    dirs.sort();
    for d in dirs {
        fsx::create_dir_all(&staging.join(d))?;
    }
    // A first build has no old files to compare with: none is looked up.
    let has_old = fsx::exists_no_follow(out);
    let results: Vec<fsx::Result<bool>> = files
        .par_iter()
        .map(|f| {
            let new = staging.join(&f.path);
            if !has_old {
                return fsx::write(&new, &f.bytes).map(|_| true);
            }
            let old = out.join(&f.path);
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
        // Carry over what is not the site's (.git, CNAME) unless the new
        // site has a file of that name. On a failure the rest stays in the
        // old folder, which is then kept, and the error names it.
        for name in fsx::read_dir_names(&old)? {
            if kept(&name) && !fsx::exists_no_follow(&out.join(&name)) {
                fsx::rename(&old.join(&name), &out.join(&name))?;
            }
        }
        fsx::remove_dir_all(&old)?;
    } else {
        fsx::rename(staging, out)?;
    }
    Ok(())
}

/// Removes the output folder (`handbook clean`).
/// A folder is removed only if handbook built it; its dot-files and
/// CNAME stay (and so does the folder, then).
pub fn clean(config: &Config, out: &Path) -> Result<bool, Diagnostic> {
    check_out_dir(config, out)?;
    let out = &resolve_out(out);
    if !out.exists() {
        return Ok(false);
    }
    let names = fsx::read_dir_names(out).map_err(io_diag)?;
    if names.iter().any(|n| kept(n)) {
        for name in names.iter().filter(|n| !kept(n)) {
            let path = out.join(name);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                fsx::remove_dir_all(&path).map_err(io_diag)?;
            } else {
                fsx::remove_file(&path).map_err(io_diag)?;
            }
        }
    } else {
        fsx::remove_dir_all(out).map_err(io_diag)?;
    }
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
