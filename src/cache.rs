//! Work carried from one build to the next, for `handbook serve`.
//!
//! A [`BuildCache`] memoises pure steps of the pipeline by their complete
//! inputs, so that a rebuild after a small edit redoes only what the edit
//! touched while [`crate::build_cached`] stays the same straight pipeline
//! as [`crate::build`], and its result is always the one a clean build
//! gives (`tests/serve_incremental.rs` checks this byte for byte):
//!
//! | step | reused when |
//! | --- | --- |
//! | reading a file | same size, times and inode, and it had not changed for a while when read (see [`FileEntry`]) |
//! | front matter of a page, parsing of an exercise | same path and text |
//! | Markdown of a page | same text, path, output path and place in the book, and the same link targets in the whole book (pages, assets, drafts left out, exercise files and workshop plans) |
//! | Markdown fields of an exercise | same file text, path and output path, and the same link targets in the whole book |
//! | the theme's compiled templates | same template and static files |
//! | a rendered template | same template and the same context, compared by a 128-bit digest of its binary form |

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::discover::TextFile;
use crate::exercise::Exercise;
use crate::frontmatter::{Broken, ParsedPage};
use crate::markdown::{ExerciseMarkdown, Rendered, Settings};
use crate::model::{Book, Page};
use crate::theme::{self, Theme};

/// A file whose modification time is this close to the moment it was read
/// may change again within the same clock tick without its times changing
/// (the "racy" case git knows): such a file is read again next time.
const SETTLED: Duration = Duration::from_secs(2);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A source file and what parsing it gave.
type Parsed<T> = (TextFile, Result<T, Broken<T>>);

/// Memoised work from earlier builds; see [`crate::build_cached`].
#[derive(Default)]
pub struct BuildCache {
    files: Mutex<HashMap<PathBuf, FileEntry>>,
    pages: Mutex<HashMap<String, Parsed<ParsedPage>>>,
    exercises: Mutex<HashMap<String, Parsed<Exercise>>>,
    markdown: Mutex<HashMap<String, (MarkdownKey, Arc<Rendered>)>>,
    exercise_markdown: Mutex<HashMap<String, (FieldsKey, Arc<ExerciseMarkdown>)>>,
    /// The link fingerprint of the latest build's book.
    fingerprint: AtomicU64,
    theme: Mutex<Option<(theme::Sources, Arc<Theme>)>>,
}

/// A file's bytes with what identified its version when it was read.
pub struct FileEntry {
    stamp: Stamp,
    bytes: Arc<[u8]>,
}

/// What identifies a version of a file: a change to any of these is a
/// change to the file (also what `serve --poll` compares). Inode and change
/// time, where the platform has them, tell a file replaced by a rename, or
/// rewritten within the same clock tick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    ino: u64,
    dev: u64,
    ctime: (i64, i64),
}

impl Stamp {
    pub(crate) fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let (ino, dev, ctime) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.dev(), (meta.ctime(), meta.ctime_nsec()))
        };
        #[cfg(not(unix))]
        let (ino, dev, ctime) = (0, 0, (0, 0));
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            ino,
            dev,
            ctime,
        }
    }

    /// Whether the file had been left alone for a while when it was read.
    fn settled_before(&self, read_at: SystemTime) -> bool {
        let Some(m) = self.modified else {
            return false;
        };
        let ctime = SystemTime::UNIX_EPOCH.checked_add(Duration::new(
            self.ctime.0.max(0) as u64,
            self.ctime.1.max(0) as u32,
        ));
        let latest = match ctime {
            Some(c) if c > m => c,
            _ => m,
        };
        read_at
            .duration_since(latest)
            .is_ok_and(|age| age >= SETTLED)
    }
}

/// What the Markdown of one page depends on, besides the book-wide
/// fingerprint.
#[derive(Clone, PartialEq, Eq)]
struct MarkdownKey {
    index: usize,
    name: String,
    text: Arc<str>,
    body_offset: usize,
    out: String,
    fingerprint: u64,
}

/// What the Markdown fields of one exercise depend on, besides the
/// book-wide fingerprint.
#[derive(Clone, PartialEq, Eq)]
struct FieldsKey {
    name: String,
    text: Arc<str>,
    out: String,
    fingerprint: u64,
}

impl BuildCache {
    pub fn new() -> BuildCache {
        BuildCache::default()
    }

    /// Reads a file, reusing the bytes read last time when the file has
    /// not changed since.
    pub fn read(&self, path: &Path) -> crate::fsx::Result<Vec<u8>> {
        let meta = std::fs::metadata(path).ok();
        let stamp = meta.as_ref().map(Stamp::of);
        if let Some(stamp) = &stamp {
            if let Some(e) = lock(&self.files).get(path) {
                if e.stamp == *stamp {
                    return Ok(e.bytes.to_vec());
                }
            }
        }
        let read_at = SystemTime::now();
        let bytes = crate::fsx::read(path)?;
        // Keep it only if it cannot have changed unseen while being read.
        let after = std::fs::metadata(path).ok().map(|m| Stamp::of(&m));
        match (stamp, after) {
            (Some(before), Some(after))
                if before == after
                    && after.len == bytes.len() as u64
                    && after.settled_before(read_at) =>
            {
                lock(&self.files).insert(
                    path.to_path_buf(),
                    FileEntry {
                        stamp: after,
                        bytes: bytes.as_slice().into(),
                    },
                );
            }
            _ => {
                lock(&self.files).remove(path);
            }
        }
        Ok(bytes)
    }

    /// Parses a page's front matter, or reuses the result for the same text.
    pub fn parse_page(&self, file: TextFile) -> Result<ParsedPage, Broken<ParsedPage>> {
        reuse_or_parse(&self.pages, file, crate::frontmatter::parse_page)
    }

    /// Parses an exercise, or reuses the result for the same text.
    pub fn parse_exercise(&self, file: TextFile) -> Result<Exercise, Broken<Exercise>> {
        reuse_or_parse(&self.exercises, file, crate::exercise::parse_one)
    }

    /// The Markdown of every page: `render` for pages whose inputs changed,
    /// the earlier result for the rest.
    pub fn markdown(
        &self,
        book: &Book,
        settings: &Settings<'_>,
        render: &(dyn Fn(usize, &Page) -> Rendered + Sync),
    ) -> Vec<Arc<Rendered>> {
        let fingerprint = link_fingerprint(book, settings);
        self.fingerprint.store(fingerprint, Ordering::SeqCst);
        let old = std::mem::take(&mut *lock(&self.markdown));
        let done: Vec<(MarkdownKey, Arc<Rendered>)> = book
            .pages
            .par_iter()
            .enumerate()
            .map(|(i, p)| {
                let key = MarkdownKey {
                    index: i,
                    name: p.source().name.clone(),
                    text: p.source().text.clone(),
                    body_offset: p.parsed.body_offset,
                    out: p.out.clone(),
                    fingerprint,
                };
                match old.get(p.rel()) {
                    Some((k, r)) if *k == key => (key, r.clone()),
                    _ => (key, Arc::new(render(i, p))),
                }
            })
            .collect();
        let rendered: Vec<Arc<Rendered>> = done.iter().map(|(_, r)| r.clone()).collect();
        let mut kept = HashMap::with_capacity(done.len());
        for (p, entry) in book.pages.iter().zip(done) {
            kept.insert(p.rel().to_string(), entry);
        }
        *lock(&self.markdown) = kept;
        rendered
    }

    /// The Markdown fields of every exercise: `render` for exercises whose
    /// inputs changed, the earlier result for the rest. Runs after
    /// [`BuildCache::markdown`], which works out the book's fingerprint.
    pub fn exercise_markdown(
        &self,
        exercises: &[Exercise],
        render: &(dyn Fn(&Exercise) -> ExerciseMarkdown + Sync),
    ) -> Vec<Arc<ExerciseMarkdown>> {
        let fingerprint = self.fingerprint.load(Ordering::SeqCst);
        let old = std::mem::take(&mut *lock(&self.exercise_markdown));
        let done: Vec<(FieldsKey, Arc<ExerciseMarkdown>)> = exercises
            .par_iter()
            .map(|e| {
                let key = FieldsKey {
                    name: e.file.source.name.clone(),
                    text: e.file.source.text.clone(),
                    out: e.out.clone(),
                    fingerprint,
                };
                match old.get(&e.file.rel) {
                    Some((k, m)) if *k == key => (key, m.clone()),
                    _ => (key, Arc::new(render(e))),
                }
            })
            .collect();
        let fields = done.iter().map(|(_, m)| m.clone()).collect();
        let kept = exercises
            .iter()
            .zip(done)
            .map(|(e, entry)| (e.file.rel.clone(), entry))
            .collect();
        *lock(&self.exercise_markdown) = kept;
        fields
    }

    /// The compiled theme, reused while its files stay the same. Its
    /// rendered-template memo starts a new round.
    pub fn theme(&self, config: &crate::Config) -> Result<Arc<Theme>, Vec<Diagnostic>> {
        let sources = theme::read_sources(config)?;
        let mut slot = lock(&self.theme);
        if let Some((s, t)) = &*slot {
            if *s == sources {
                if let Some(m) = &t.memo {
                    m.begin();
                }
                return Ok(t.clone());
            }
        }
        let mut t = theme::compile(&sources)?;
        let memo = RenderMemo::default();
        memo.begin();
        t.memo = Some(memo);
        let t = Arc::new(t);
        *slot = Some((sources, t.clone()));
        Ok(t)
    }

    /// After a good build: forgets what it did not use.
    pub fn finish(&self, book: &Book, exercises: &[Exercise]) {
        if let Some((_, t)) = &*lock(&self.theme) {
            if let Some(m) = &t.memo {
                m.sweep();
            }
        }
        lock(&self.pages).retain(|rel, _| book.by_rel.contains_key(rel));
        let ex: std::collections::HashSet<&str> =
            exercises.iter().map(|e| e.file.rel.as_str()).collect();
        lock(&self.exercises).retain(|rel, _| ex.contains(rel.as_str()));
        let content = lock(&self.files).len();
        if content > 4 * (book.pages.len() + exercises.len() + book.assets.len()) + 64 {
            lock(&self.files).clear();
        }
    }
}

/// `parse(file)`, or the result kept in `memo` for the same file and text.
fn reuse_or_parse<T: Clone>(
    memo: &Mutex<HashMap<String, Parsed<T>>>,
    file: TextFile,
    parse: fn(TextFile) -> Result<T, Broken<T>>,
) -> Result<T, Broken<T>> {
    if let Some((f, r)) = lock(memo).get(&file.rel) {
        if same_file(f, &file) {
            return r.clone();
        }
    }
    let rel = file.rel.clone();
    let r = parse(file.clone());
    lock(memo).insert(rel, (file, r.clone()));
    r
}

fn same_file(a: &TextFile, b: &TextFile) -> bool {
    a.rel == b.rel && a.source.name == b.source.name && a.source.text == b.source.text
}

/// Everything of the book that a page's Markdown may look at besides its
/// own text: every page's path, id, output and front matter, every asset's
/// path and output, and the Markdown settings.
fn link_fingerprint(book: &Book, settings: &Settings<'_>) -> u64 {
    let mut h = DefaultHasher::new();
    book.pages.len().hash(&mut h);
    for p in &book.pages {
        p.rel().hash(&mut h);
        p.id.hash(&mut h);
        p.out.hash(&mut h);
        p.section.hash(&mut h);
        format!("{:?}|{:?}", p.kind, p.parsed.front).hash(&mut h);
    }
    book.assets.len().hash(&mut h);
    for a in &book.assets {
        a.asset.rel.hash(&mut h);
        a.out.hash(&mut h);
    }
    book.drafts.hash(&mut h);
    let mut yaml_pages: Vec<(&str, &str)> =
        settings.yaml_pages.iter().map(|(k, v)| (*k, *v)).collect();
    yaml_pages.sort();
    yaml_pages.hash(&mut h);
    format!("{:?}|{:?}", settings.options, settings.edition).hash(&mut h);
    settings.search_text.hash(&mut h);
    h.finish()
}

/// Rendered templates by template and output path, reused when the
/// template's context has the same digest.
#[derive(Default)]
pub struct RenderMemo {
    round: AtomicU64,
    entries: Mutex<HashMap<(String, String), MemoEntry>>,
}

struct MemoEntry {
    /// Digest of the context (see [`context_digest`]).
    digest: u128,
    html: String,
    used: u64,
}

impl RenderMemo {
    fn begin(&self) {
        self.round.fetch_add(1, Ordering::SeqCst);
    }

    fn sweep(&self) {
        let round = self.round.load(Ordering::SeqCst);
        lock(&self.entries).retain(|_, e| e.used == round);
    }

    /// `render()`'s result, or the earlier one for an identical context.
    pub fn get_or_render<T: Serialize, E>(
        &self,
        name: &str,
        path: &str,
        ctx: &T,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<String, E> {
        let Some(digest) = context_digest(ctx) else {
            return render();
        };
        let round = self.round.load(Ordering::SeqCst);
        let key = (name.to_string(), path.to_string());
        if let Some(e) = lock(&self.entries).get_mut(&key) {
            if e.digest == digest {
                e.used = round;
                return Ok(e.html.clone());
            }
        }
        let html = render()?;
        lock(&self.entries).insert(
            key,
            MemoEntry {
                digest,
                html: html.clone(),
                used: round,
            },
        );
        Ok(html)
    }
}

/// A 128-bit digest of a template context: its compact binary form
/// (postcard: lengths and bytes, no escaping) fed straight into XXH3, with
/// nothing allocated. Comparing digests instead of the contexts themselves
/// keeps an unchanged page cheap however long its text.
fn context_digest<T: Serialize>(ctx: &T) -> Option<u128> {
    struct Digest(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Digest {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    postcard::to_io(ctx, Digest(xxhash_rust::xxh3::Xxh3::new()))
        .ok()
        .map(|d| d.0.digest128())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Ctx<'a> {
        title: &'a str,
        items: Vec<(&'a str, u32)>,
        note: Option<String>,
    }

    #[test]
    fn context_digests_tell_contexts_apart() {
        let a = Ctx {
            title: "A",
            items: vec![("x", 1)],
            note: None,
        };
        let same = Ctx {
            title: "A",
            items: vec![("x", 1)],
            note: None,
        };
        assert_eq!(context_digest(&a), context_digest(&same));
        assert!(context_digest(&a).is_some());
        let others = [
            Ctx {
                title: "B",
                items: vec![("x", 1)],
                note: None,
            },
            Ctx {
                title: "A",
                items: vec![("x", 2)],
                note: None,
            },
            Ctx {
                title: "A",
                items: vec![("x", 1), ("y", 1)],
                note: None,
            },
            Ctx {
                title: "A",
                items: vec![("x", 1)],
                note: Some(String::new()),
            },
            // Strings are length-prefixed: moving a boundary changes the digest.
            Ctx {
                title: "Ax",
                items: vec![("", 1)],
                note: None,
            },
        ];
        for o in &others {
            assert_ne!(context_digest(&a), context_digest(o));
        }
    }
}
