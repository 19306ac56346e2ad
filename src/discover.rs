//! Stage 2: find every source file under `content/`, read it, and sort it
//! into pages, exercises, workshop plans and assets.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{io_diag, Config};
use crate::diag::{display_path, line_col, Diagnostic, Severity, Source};
use crate::fsx;

/// A text source: a Markdown page, an exercise or a workshop plan.
#[derive(Debug, Clone)]
pub struct TextFile {
    /// Path relative to `content/`, `/`-separated.
    pub rel: String,
    /// The decoded text (BOM removed, CRLF turned into LF) and its display name.
    pub source: Source,
}

/// A file copied through unchanged.
#[derive(Debug, Clone)]
pub struct Asset {
    pub rel: String,
    pub bytes: Arc<[u8]>,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub pages: Vec<TextFile>,
    pub exercises: Vec<TextFile>,
    pub workshops: Vec<TextFile>,
    pub assets: Vec<Asset>,
    /// There is no `content/` folder: nothing else about the content is
    /// worth saying.
    pub no_content: bool,
    /// Pages that could not be read or decoded (each has its error), with
    /// no text: they stay in the book as stand-ins, so that what links to
    /// them does not report errors of its own.
    pub unreadable_pages: Vec<TextFile>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Page,
    Exercise,
    Workshop,
    Asset,
    /// YAML that is neither an exercise nor a workshop plan: never published,
    /// since it may hold facilitator material.
    StrayYaml,
    /// Markdown under another extension (`.markdown`, `.mdown`, `.mkd`, `.mkdn`):
    /// not a page, and not published as a file, since it may hold
    /// facilitator text.
    StrayMarkdown,
}

/// How a file under `content/` is treated, from its path alone.
pub fn classify(rel: &str) -> FileKind {
    let lower = rel.to_ascii_lowercase();
    let is_yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    if lower.ends_with(".md") {
        FileKind::Page
    } else if lower.ends_with(".exercise.yaml") || lower.ends_with(".exercise.yml") {
        FileKind::Exercise
    } else if is_yaml
        && lower.starts_with("workshops/")
        && !lower["workshops/".len()..].contains('/')
    {
        FileKind::Workshop
    } else if is_yaml {
        FileKind::StrayYaml
    } else if [".markdown", ".mdown", ".mkd", ".mkdn"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        FileKind::StrayMarkdown
    } else {
        FileKind::Asset
    }
}

/// Files editors and tools leave around while saving: never content.
pub fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [
            ".swp",
            ".swx",
            ".swo",
            ".tmp",
            ".bak",
            ".orig",
            ".crdownload",
            "___jb_tmp___",
            "___jb_old___",
        ]
        .iter()
        .any(|s| name.ends_with(s))
}

/// Decodes a file: rejects invalid UTF-8 with its byte offset, drops a BOM
/// and turns CRLF into LF so that such files build exactly like LF ones.
pub fn decode(bytes: &[u8], name: &str) -> Result<String, Diagnostic> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let valid = std::str::from_utf8(&bytes[..at]).unwrap_or("");
            let (line, col) = line_col(valid, at);
            return Err(Diagnostic::file(
                Severity::Error,
                format!("{name}:{line}:{col}"),
                format!("invalid UTF-8 at byte offset {at}"),
            )
            .with_hint("save the file as UTF-8 in your editor"));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    })
}

/// Walks `content/`, collecting every problem rather than stopping at the first.
pub fn discover(config: &Config) -> (Discovered, Vec<Diagnostic>) {
    discover_with(config, &|p: &Path| fsx::read(p))
}

/// [`discover`] with the file reader given (`handbook serve` reuses the
/// bytes of files that did not change through it).
pub fn discover_with(
    config: &Config,
    read: &(dyn Fn(&Path) -> fsx::Result<Vec<u8>> + Sync),
) -> (Discovered, Vec<Diagnostic>) {
    let content = config.content_dir();
    let mut diags = Vec::new();
    if !content.is_dir() {
        diags.push(
            Diagnostic::file(
                Severity::Error,
                display_path(&config.root, &content),
                "there is no content folder",
            )
            .with_hint("create `content/` with an `index.md` for the home page"),
        );
        let none = Discovered {
            no_content: true,
            ..Discovered::default()
        };
        return (none, diags);
    }
    let out = config.out_dir.canonicalize().ok();
    // A symbolic link may lead anywhere; what it reaches is published. It
    // may stay in the handbook folder, or in the content folder (which may
    // itself be a link, set up by whoever runs the build).
    let inside: Vec<PathBuf> = [config.root.canonicalize(), content.canonicalize()]
        .into_iter()
        .flatten()
        .collect();
    let mut paths: Vec<(String, PathBuf, FileKind)> = Vec::new();
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name();
    let mut it = walker.into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(walk_error(config, &e));
                continue;
            }
        };
        let name = entry.file_name().to_string_lossy();
        if entry.depth() > 0 && is_editor_noise(&name) {
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        if entry.depth() > 0 && entry.path_is_symlink() {
            if let Some(target) = outside(entry.path(), &inside) {
                diags.push(link_outside(config, entry.path(), &target));
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
        }
        if entry.file_type().is_dir() {
            // An output folder inside content/ is never read back as content.
            if out
                .as_deref()
                .is_some_and(|o| entry.path().canonicalize().ok().as_deref() == Some(o))
            {
                it.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            // A named pipe, socket or device: reading it could block for ever.
            diags.push(
                Diagnostic::file(
                    Severity::Error,
                    display_path(&config.root, entry.path()),
                    "not a regular file (a named pipe, socket or device)",
                )
                .with_hint("content/ may hold only files and folders: move this out of it"),
            );
            continue;
        }
        // Known by the composed spelling of its name (see `fsx::composed`).
        let rel = fsx::composed(&display_path(&content, entry.path())).into_owned();
        let kind = classify(&rel);
        paths.push((rel, entry.path().to_path_buf(), kind));
    }

    // Read and decode in parallel; collect in path order.
    enum One {
        Page(TextFile),
        Exercise(TextFile),
        Workshop(TextFile),
        Asset(Asset),
        Problem(Diagnostic),
        /// A page's read or decoding error, and the page without its text.
        Unreadable(Diagnostic, TextFile),
    }
    let loaded: Vec<One> = paths
        .into_par_iter()
        .map(|(rel, path, kind)| {
            let shown = format!("content/{rel}");
            // A page that cannot be read stays in the book without its text.
            let failed = |d: Diagnostic| match kind {
                FileKind::Page => One::Unreadable(
                    d,
                    TextFile {
                        rel: rel.clone(),
                        source: Source::new(shown.clone(), ""),
                    },
                ),
                _ => One::Problem(d),
            };
            let bytes = match read(&path) {
                Ok(b) => b,
                Err(e) => {
                    let mut d = io_diag(e);
                    d.file = display_path(&config.root, &path);
                    return failed(d);
                }
            };
            let text = |make: fn(TextFile) -> One| match decode(&bytes, &shown) {
                Ok(t) => make(TextFile {
                    rel: rel.clone(),
                    source: Source::new(shown.clone(), t),
                }),
                Err(d) => failed(d),
            };
            match kind {
                FileKind::Page => text(One::Page),
                FileKind::Exercise => text(One::Exercise),
                FileKind::Workshop => text(One::Workshop),
                FileKind::StrayYaml => One::Problem(
                    Diagnostic::file(
                        Severity::Warning,
                        shown,
                        "YAML file is neither an exercise nor a workshop plan, so it is not published",
                    )
                    .with_hint(
                        "name exercises `*.exercise.yaml`; put workshop plans in `content/workshops/`",
                    ),
                ),
                FileKind::StrayMarkdown => One::Problem(
                    Diagnostic::file(
                        Severity::Warning,
                        shown,
                        "Markdown file without the `.md` extension, so it is neither a page nor published",
                    )
                    .with_hint("rename it to end in `.md` to make it a page"),
                ),
                FileKind::Asset => One::Asset(Asset {
                    rel,
                    bytes: bytes.into(),
                }),
            }
        })
        .collect();

    let mut found = Discovered::default();
    for one in loaded {
        match one {
            One::Page(t) => found.pages.push(t),
            One::Exercise(t) => found.exercises.push(t),
            One::Workshop(t) => found.workshops.push(t),
            One::Asset(a) => found.assets.push(a),
            One::Problem(d) => diags.push(d),
            One::Unreadable(d, t) => {
                diags.push(d);
                found.unreadable_pages.push(t);
            }
        }
    }
    (found, diags)
}

/// Where a symbolic link leads, when that is outside every folder of
/// `inside` (a folder reached through a link is checked once, at the link).
fn outside(link: &Path, inside: &[PathBuf]) -> Option<PathBuf> {
    let target = link.canonicalize().ok()?;
    (!inside.iter().any(|d| target.starts_with(d))).then_some(target)
}

/// A link out of the handbook folder would publish whatever it reaches
/// (a key, a password file) to every reader: refused, as Jekyll's safe
/// mode does.
fn link_outside(config: &Config, link: &Path, target: &Path) -> Diagnostic {
    Diagnostic::file(
        Severity::Error,
        display_path(&config.root, link),
        format!(
            "symbolic link leads outside the handbook folder, to `{}`",
            target.display()
        ),
    )
    .with_hint("the site would publish what it leads to: copy the file into the handbook instead")
}

fn walk_error(config: &Config, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(|p| display_path(&config.root, p))
        .unwrap_or_else(|| "content".into());
    if let Some(ancestor) = e.loop_ancestor() {
        return Diagnostic::file(
            Severity::Error,
            path,
            format!(
                "symlink loop: this link leads back to `{}`",
                display_path(&config.root, ancestor)
            ),
        )
        .with_hint("remove the link or point it somewhere outside its own parent folders");
    }
    let dangling = e.path().is_some_and(|p| {
        p.symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
            && !p.exists()
    });
    if dangling {
        let link = e.path().and_then(|p| std::fs::read_link(p).ok());
        let target = (link.as_ref()).map_or(String::new(), |t| t.display().to_string());
        // A target that is there but cannot be followed: links that lead
        // to each other and never to a file.
        let resolved = e
            .path()
            .and_then(|p| Some(p.parent()?.join(link.as_ref()?)));
        if resolved.is_some_and(|t| t.symlink_metadata().is_ok()) {
            return Diagnostic::file(
                Severity::Error,
                path,
                format!("symlink loop: its target `{target}` leads back round to links, never to a file"),
            )
            .with_hint("point the link at the real file, or delete it");
        }
        return Diagnostic::file(
            Severity::Error,
            path,
            format!("dangling symlink: its target `{target}` does not exist"),
        )
        .with_hint("restore the target or delete the link");
    }
    let msg = e
        .io_error()
        .map(|io| io.to_string())
        .unwrap_or_else(|| e.to_string());
    Diagnostic::file(Severity::Error, path, format!("could not read: {msg}"))
        .with_hint("check the folder's permissions")
}

/// Whether `inner` is `outer` or lies inside it (both made absolute first).
pub fn is_within(inner: &Path, outer: &Path) -> bool {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Resolve what exists; keep the rest as written.
        let mut existing = p.as_path();
        let mut tail = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    tail.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut base = existing
            .canonicalize()
            .unwrap_or_else(|_| existing.to_path_buf());
        for t in tail.into_iter().rev() {
            base.push(t);
        }
        base
    };
    abs(inner).starts_with(abs(outer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_path() {
        assert_eq!(classify("a/01-x.md"), FileKind::Page);
        assert_eq!(classify("a/map.exercise.yaml"), FileKind::Exercise);
        assert_eq!(classify("workshops/half-day.yaml"), FileKind::Workshop);
        assert_eq!(classify("a/workshops/x.yaml"), FileKind::StrayYaml);
        assert_eq!(classify("a/img.png"), FileKind::Asset);
        assert_eq!(classify("a/03-x.markdown"), FileKind::StrayMarkdown);
        assert_eq!(classify("a/x.MKD"), FileKind::StrayMarkdown);
    }

    #[test]
    fn editor_noise() {
        for n in [
            ".x.md.swp",
            "x.md~",
            "#x.md#",
            "4913",
            "x.md___jb_tmp___",
            ".#x.md",
        ] {
            assert!(is_editor_noise(n), "{n}");
        }
        assert!(!is_editor_noise("x.md"));
    }

    #[test]
    fn decode_normalises_and_locates_bad_bytes() {
        assert_eq!(decode(b"\xef\xbb\xbfa\r\nb\r\n", "f").unwrap(), "a\nb\n");
        let d = decode(b"ok\nab\xff", "f.md").unwrap_err();
        assert_eq!(d.file, "f.md:2:3");
        assert!(d.message.contains("byte offset 5"));
    }
}
