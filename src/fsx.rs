//! File-system helpers whose every error names the path it concerns.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// An I/O error together with the path it happened on.
#[derive(Debug)]
pub struct FsError {
    pub path: PathBuf,
    pub action: &'static str,
    pub source: io::Error,
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "could not {} `{}`: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for FsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

pub type Result<T> = std::result::Result<T, FsError>;

fn ctx<T>(r: io::Result<T>, action: &'static str, path: &Path) -> Result<T> {
    r.map_err(|source| FsError {
        path: path.to_path_buf(),
        action,
        source,
    })
}

pub fn read(path: &Path) -> Result<Vec<u8>> {
    ctx(fs::read(path), "read", path)
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    ctx(fs::write(path, bytes), "write", path)
}

pub fn create_dir_all(path: &Path) -> Result<()> {
    ctx(fs::create_dir_all(path), "create directory", path)
}

pub fn remove_dir_all(path: &Path) -> Result<()> {
    ctx(fs::remove_dir_all(path), "remove directory", path)
}

pub fn rename(from: &Path, to: &Path) -> Result<()> {
    ctx(fs::rename(from, to), "rename", from)
        .map_err(|e| FsError {
            action: "move into place",
            ..e
        })
        .map_err(|e| FsError {
            path: PathBuf::from(format!("{} -> {}", from.display(), to.display())),
            ..e
        })
}

pub fn read_dir_names(path: &Path) -> Result<Vec<std::ffi::OsString>> {
    let entries = ctx(fs::read_dir(path), "list", path)?;
    entries
        .map(|e| ctx(e.map(|e| e.file_name()), "list", path))
        .collect()
}

pub fn remove_file(path: &Path) -> Result<()> {
    ctx(fs::remove_file(path), "remove", path)
}

pub fn hard_link(from: &Path, to: &Path) -> Result<()> {
    ctx(fs::hard_link(from, to), "link", to)
}

pub fn canonicalize(path: &Path) -> Result<PathBuf> {
    ctx(fs::canonicalize(path), "resolve", path)
}

/// Whether a path exists without following a final symlink.
pub fn exists_no_follow(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// `path` without its `.` parts, and with each `..` taking away the part
/// before it, without reading the disk: the form file events report a
/// path in, and the one to compare two paths written by hand in.
pub fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// A file name or path in composed Unicode (NFC). macOS saves `café.md`
/// decomposed (`e` and a combining accent) while links are typed, and
/// addresses read, composed: names are compared, and addresses made, in
/// this one form.
pub fn composed(name: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if name.is_ascii() || is_nfc_quick(name.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(name.nfc().collect())
    }
}
