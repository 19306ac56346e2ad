//! Watching the handbook: which raw file events matter ([`classify`]), how
//! they are gathered into one rebuild ([`Debouncer`]), and the watcher
//! itself with its fall-back to polling ([`Watch`]).
//!
//! What is watched: the handbook folder itself, not recursively (for
//! `book.toml`, the logo and extra stylesheets it names, and `content/`
//! or `themes/` appearing or vanishing), `content/` and `themes/`
//! recursively, and the folder of each file `book.toml` names that lies
//! elsewhere (`styles/`), not recursively. Watching folders rather than
//! files keeps working when an editor replaces a file by renaming a new
//! one over it.
//!
//! What is ignored: reads (the build itself opens every file), editor
//! scratch files ([`is_editor_noise`] on any part of the path under
//! `content/`, as discovery does; on the file name under `themes/`, as the
//! theme loader does), everything outside those folders other than the
//! files `book.toml` names and the folders on the way to them (output and
//! staging folders among the rest), and anything inside an
//! output folder wherever it is. So serving never triggers itself.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::config::{Config, Edition};
use crate::discover::is_editor_noise;

/// Quiet time after the last relevant event before rebuilding. A save, in
/// any of its forms (write, temp-and-rename, backup-and-write), is a burst
/// of events microseconds apart.
pub const DEFAULT_QUIET_MS: u64 = 30;
/// A burst touching more paths than this is a bulk change (a checkout, an
/// unpacked archive, a search-and-replace over many files): it gets the
/// longer quiet time below, so that one such change is one rebuild even
/// when the tool writing it pauses now and then.
pub const BULK_PATHS: usize = 8;
pub const BULK_QUIET: Duration = Duration::from_millis(300);
/// A burst that never goes quiet is rebuilt after this long anyway.
pub const MAX_WAIT: Duration = Duration::from_secs(2);
/// How often the polling watcher looks for changes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// Something under `content/` (or the folder itself).
    Content,
    /// Something under `themes/` (or the folder itself).
    Theme,
    /// `book.toml`, or the logo or a stylesheet it names.
    Config,
    /// Events were lost (queue overflow): look at everything again.
    Rescan,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    pub kind: ChangeKind,
    pub path: PathBuf,
}

/// Where things are, for telling relevant paths from the rest.
#[derive(Debug, Clone)]
pub struct Layout {
    pub root: PathBuf,
    pub content: PathBuf,
    pub themes: PathBuf,
    pub book_toml: PathBuf,
    pub logo: Option<PathBuf>,
    /// The stylesheets `[branding] extra-css` names.
    pub extra_css: Vec<PathBuf>,
    /// Output folders of both editions: never content, wherever they are.
    pub outputs: Vec<PathBuf>,
}

impl Layout {
    /// The files `book.toml` names: the logo and the extra stylesheets.
    pub fn named_files(&self) -> impl Iterator<Item = &PathBuf> {
        self.logo.iter().chain(&self.extra_css)
    }

    /// The folders of named files that lie in folders of their own
    /// (`assets/`, `styles/`), which the watches of the top level,
    /// `content/` and `themes/` miss.
    pub fn named_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        for file in self.named_files() {
            let Some(dir) = file.parent() else { continue };
            let covered =
                dir == self.root || dir.starts_with(&self.content) || dir.starts_with(&self.themes);
            if !covered && dir.is_dir() && !dirs.iter().any(|d| d == dir) {
                dirs.push(dir.to_path_buf());
            }
        }
        dirs
    }

    /// `root` should be canonical: events report paths under the watched ones.
    pub fn new(root: &Path, config: Option<&Config>) -> Layout {
        let outputs = match config {
            Some(c) => vec![
                c.default_out_dir(Edition::Participant),
                c.default_out_dir(Edition::Facilitator),
            ],
            None => vec![root.join("site"), root.join("site-facilitator")],
        };
        Layout {
            root: root.to_path_buf(),
            content: root.join("content"),
            themes: root.join("themes"),
            book_toml: root.join("book.toml"),
            logo: config
                .and_then(|c| c.book.branding.logo.as_ref())
                .map(|l| crate::fsx::lexical(&root.join(l.get_ref()))),
            extra_css: (config.iter())
                .flat_map(|c| &c.book.branding.extra_css)
                .map(|css| crate::fsx::lexical(&root.join(css.get_ref())))
                .collect(),
            outputs,
        }
    }
}

/// Whether one path matters to the build, and how.
pub fn classify_path(path: &Path, layout: &Layout) -> Option<ChangeKind> {
    if layout.outputs.iter().any(|o| path.starts_with(o)) {
        return None;
    }
    let noisy = |rel: &Path, whole: bool| {
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        if whole {
            parts.any(|p| is_editor_noise(&p))
        } else {
            parts.next_back().is_some_and(|p| is_editor_noise(&p))
        }
    };
    if let Ok(rel) = path.strip_prefix(&layout.content) {
        return (!noisy(rel, true)).then_some(ChangeKind::Content);
    }
    if let Ok(rel) = path.strip_prefix(&layout.themes) {
        return (!noisy(rel, false)).then_some(ChangeKind::Theme);
    }
    if path == layout.book_toml || layout.named_files().any(|f| f == path) {
        return Some(ChangeKind::Config);
    }
    // A folder on the way to a named file, made or removed: its file may
    // now be there, and the folder is to be watched (see [`Watch::refresh`]).
    if path != layout.root && layout.named_files().any(|f| f.starts_with(path)) {
        return Some(ChangeKind::Config);
    }
    None
}

/// The relevant changes one raw event carries; empty when it is to be ignored.
pub fn classify(event: &Event, layout: &Layout) -> Vec<Change> {
    if event.need_rescan() {
        return vec![Change {
            kind: ChangeKind::Rescan,
            path: layout.root.clone(),
        }];
    }
    match event.kind {
        // Opening and reading change nothing; the build reads every file.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
        EventKind::Access(_) => return Vec::new(),
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => return Vec::new(),
        _ => {}
    }
    event
        .paths
        .iter()
        .filter_map(|p| {
            classify_path(p, layout).map(|kind| Change {
                kind,
                path: p.clone(),
            })
        })
        .collect()
}

/// One rebuild's worth of changes, and watcher errors seen meanwhile.
#[derive(Debug, Default)]
pub struct Batch {
    pub changes: Vec<Change>,
    pub errors: Vec<notify::Error>,
}

/// Gathers events until they settle: `quiet` after the last relevant event,
/// or `max_wait` after the first, whichever comes first.
pub struct Debouncer {
    pub quiet: Duration,
    pub max_wait: Duration,
}

impl Debouncer {
    /// Blocks until a batch is ready: at least one relevant change, or a
    /// watcher error. `None` when the watcher has gone away.
    pub fn next_batch(
        &self,
        rx: &Receiver<notify::Result<Event>>,
        layout: &Layout,
    ) -> Option<Batch> {
        let mut batch = Batch::default();
        loop {
            match rx.recv().ok()? {
                Err(e) => {
                    batch.errors.push(e);
                    return Some(batch);
                }
                Ok(ev) => {
                    let c = classify(&ev, layout);
                    if !c.is_empty() {
                        batch.changes.extend(c);
                        break;
                    }
                }
            }
        }
        let start = Instant::now();
        let mut last = start;
        let mut paths: std::collections::HashSet<PathBuf> =
            batch.changes.iter().map(|c| c.path.clone()).collect();
        loop {
            let quiet = if paths.len() > BULK_PATHS {
                self.quiet.max(BULK_QUIET)
            } else {
                self.quiet
            };
            let deadline = (last + quiet).min(start + self.max_wait);
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            match rx.recv_timeout(deadline - now) {
                Ok(Ok(ev)) => {
                    let c = classify(&ev, layout);
                    if !c.is_empty() {
                        if paths.len() <= BULK_PATHS {
                            paths.extend(c.iter().map(|c| c.path.clone()));
                        }
                        batch.changes.extend(c);
                        last = Instant::now();
                    }
                }
                Ok(Err(e)) => batch.errors.push(e),
                Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        batch.changes.sort_by(|a, b| a.path.cmp(&b.path));
        batch.changes.dedup();
        Some(batch)
    }
}

type Tx = Sender<notify::Result<Event>>;

enum Inner {
    Native(RecommendedWatcher),
    /// Held for its `Drop`, which stops the polling thread.
    Poll {
        _poller: Poller,
    },
}

/// The file watcher: OS events when they work, polling otherwise.
pub struct Watch {
    inner: Inner,
    tx: Tx,
    /// The recursive OS watches in place (content/, themes/).
    watched: Vec<PathBuf>,
    warned: bool,
}

impl Watch {
    /// Starts watching; the note, if any, tells the user why polling is used.
    pub fn start(layout: &Layout, force_poll: bool, tx: Tx) -> (Watch, Option<String>) {
        if force_poll {
            return (Watch::poll(layout, tx), None);
        }
        if let Some(fs) = eventless_fs_at(&layout.content).or_else(|| eventless_fs_at(&layout.root))
        {
            let note = format!(
                "note: the handbook is on a {fs} file system, which does not report changes made on other machines; polling for changes every {} ms instead",
                POLL_INTERVAL.as_millis()
            );
            return (Watch::poll(layout, tx), Some(note));
        }
        match Watch::native(layout, tx.clone()) {
            Ok(w) => (w, None),
            Err(e) => (Watch::poll(layout, tx), Some(fallback_note(&e))),
        }
    }

    pub fn is_polling(&self) -> bool {
        matches!(self.inner, Inner::Poll { .. })
    }

    fn native(layout: &Layout, tx: Tx) -> notify::Result<Watch> {
        let mut inner = RecommendedWatcher::new(tx.clone(), notify::Config::default())?;
        let mut watched = Vec::new();
        inner.watch(&layout.root, RecursiveMode::NonRecursive)?;
        for dir in [&layout.content, &layout.themes] {
            if dir.is_dir() {
                inner.watch(dir, RecursiveMode::Recursive)?;
                watched.push(dir.clone());
            }
        }
        for dir in layout.named_dirs() {
            inner.watch(&dir, RecursiveMode::NonRecursive)?;
            watched.push(dir);
        }
        Ok(Watch {
            inner: Inner::Native(inner),
            tx,
            watched,
            warned: false,
        })
    }

    fn poll(layout: &Layout, tx: Tx) -> Watch {
        Watch {
            inner: Inner::Poll {
                _poller: Poller::start(layout, tx.clone()),
            },
            tx,
            watched: Vec::new(),
            warned: false,
        }
    }

    /// Handles an error reported while running. Returns a note to print and
    /// whether to rebuild (events may have been missed).
    pub fn on_error(&mut self, e: &notify::Error, layout: &Layout) -> (Option<String>, bool) {
        if !self.is_polling() && matches!(e.kind, notify::ErrorKind::MaxFilesWatch) {
            let note = fallback_note(e);
            *self = Watch::poll(layout, self.tx.clone());
            return (Some(note), true);
        }
        if self.warned {
            return (None, true);
        }
        self.warned = true;
        (
            Some(format!("warning: the file watcher reported: {e}")),
            true,
        )
    }

    /// After a batch: watch `content/` or `themes/` again when they were
    /// created, removed or replaced, or when events were lost. (The poller
    /// looks at the folders afresh each time and needs nothing.)
    pub fn refresh(&mut self, layout: &Layout, batch: &Batch) -> Option<String> {
        let Inner::Native(inner) = &mut self.inner else {
            return None;
        };
        let touched = |dir: &Path| {
            batch
                .changes
                .iter()
                .any(|c| c.kind == ChangeKind::Rescan || c.path == dir)
        };
        for dir in [layout.content.clone(), layout.themes.clone()] {
            let is_watched = self.watched.contains(&dir);
            if !touched(&dir) && (is_watched || !dir.is_dir()) {
                continue;
            }
            if is_watched {
                let _ = inner.unwatch(&dir);
                self.watched.retain(|d| d != &dir);
            }
            if dir.is_dir() {
                match inner.watch(&dir, RecursiveMode::Recursive) {
                    Ok(()) => self.watched.push(dir),
                    Err(e) => {
                        let note = fallback_note(&e);
                        *self = Watch::poll(layout, self.tx.clone());
                        return Some(note);
                    }
                }
            }
        }
        // The folder of a logo or stylesheet: one named by an edit of
        // book.toml, made, or made again (a watch follows the folder it
        // was given, not the path).
        for dir in layout.named_dirs() {
            let is_watched = self.watched.contains(&dir);
            if is_watched && !touched(&dir) {
                continue;
            }
            if is_watched {
                let _ = inner.unwatch(&dir);
                self.watched.retain(|d| d != &dir);
            }
            if inner.watch(&dir, RecursiveMode::NonRecursive).is_ok() {
                self.watched.push(dir);
            }
        }
        None
    }
}

/// The polling watcher: compares the size, times and inode of every file
/// under the watched folders at an interval, and reports differences as
/// events, which go through the same filter as OS events. (notify's own
/// poller compares modification times in whole seconds, which misses a
/// second save within the same second.)
struct Poller {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Poller {
    fn start(layout: &Layout, tx: Tx) -> Poller {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let layout = layout.clone();
        let _ = std::thread::Builder::new()
            .name("serve-poll".into())
            .spawn(move || {
                let mut before = Poller::scan(&layout);
                while !stopped.load(Ordering::Relaxed) {
                    // Polling is waiting by definition.
                    std::thread::sleep(POLL_INTERVAL);
                    let now = Poller::scan(&layout);
                    for (path, stamp) in &now {
                        let kind = match before.get(path) {
                            None => EventKind::Create(notify::event::CreateKind::Any),
                            Some(old) if old != stamp => {
                                EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any))
                            }
                            Some(_) => continue,
                        };
                        if tx
                            .send(Ok(Event::new(kind).add_path(path.clone())))
                            .is_err()
                        {
                            return;
                        }
                    }
                    for path in before.keys().filter(|p| !now.contains_key(*p)) {
                        let ev = Event::new(EventKind::Remove(notify::event::RemoveKind::Any))
                            .add_path(path.clone());
                        if tx.send(Ok(ev)).is_err() {
                            return;
                        }
                    }
                    before = now;
                }
            });
        Poller { stop }
    }

    fn scan(layout: &Layout) -> std::collections::HashMap<PathBuf, crate::cache::Stamp> {
        let mut out = std::collections::HashMap::new();
        let top = walkdir::WalkDir::new(&layout.root)
            .min_depth(1)
            .max_depth(1);
        for e in top.into_iter().filter_map(Result::ok) {
            if let Ok(m) = e.metadata() {
                out.insert(e.path().to_path_buf(), crate::cache::Stamp::of(&m));
            }
        }
        for file in layout.named_files() {
            if let Ok(m) = std::fs::metadata(file) {
                out.insert(file.clone(), crate::cache::Stamp::of(&m));
            }
        }
        for dir in [&layout.content, &layout.themes] {
            let walk = walkdir::WalkDir::new(dir)
                .follow_links(true)
                .min_depth(1)
                .into_iter()
                .filter_entry(|e| {
                    !(e.file_type().is_dir() && is_editor_noise(&e.file_name().to_string_lossy()))
                });
            for e in walk.filter_map(Result::ok) {
                if let Ok(m) = e.metadata() {
                    out.insert(e.path().to_path_buf(), crate::cache::Stamp::of(&m));
                }
            }
        }
        out
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Why OS events could not be used, and what happens instead.
pub fn fallback_note(e: &notify::Error) -> String {
    let every = POLL_INTERVAL.as_millis();
    match &e.kind {
        notify::ErrorKind::MaxFilesWatch => format!(
            "note: the system's limit on watched folders is reached (fs.inotify.max_user_watches), so changes are found by polling every {every} ms instead.\n      \
             to get instant updates, raise the limit, e.g. `sudo sysctl fs.inotify.max_user_watches=524288`, and restart `handbook serve`"
        ),
        notify::ErrorKind::Io(io) if io.raw_os_error() == Some(libc::EMFILE) => format!(
            "note: the system's limit on file watchers is reached (fs.inotify.max_user_instances), so changes are found by polling every {every} ms instead"
        ),
        _ => format!(
            "note: this file system does not report changes ({e}), so changes are found by polling every {every} ms instead"
        ),
    }
}

/// The name of a file system whose changes may not raise events, from its
/// `statfs` magic number.
pub fn eventless_fs(magic: u64) -> Option<&'static str> {
    Some(match magic as u32 {
        0x6969 => "NFS",
        0x517B => "SMB",
        0xFF53_4D42 => "CIFS",
        0xFE53_4D42 => "SMB2",
        0x0102_1997 => "9p",
        0x6573_5546 => "FUSE",
        0x5346_414F => "AFS",
        0x7375_7245 => "Coda",
        0x00C3_6400 => "Ceph",
        0x0BD0_0BD0 => "Lustre",
        _ => return None,
    })
}

#[cfg(target_os = "linux")]
fn eventless_fs_at(path: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: `statfs` fills the zeroed struct it is given and reads only
    // the NUL-terminated path.
    let mut s: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)]
    eventless_fs(s.f_type as u64)
}

#[cfg(not(target_os = "linux"))]
fn eventless_fs_at(_path: &Path) -> Option<&'static str> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, Flag, RemoveKind, RenameMode};
    use std::sync::mpsc;

    fn layout() -> Layout {
        let mut l = Layout::new(Path::new("/hb"), None);
        l.logo = Some(PathBuf::from("/hb/logo.png"));
        l.extra_css = vec![
            PathBuf::from("/hb/styles/brand.css"),
            PathBuf::from("/hb/late.css"),
        ];
        l
    }

    fn ev(kind: EventKind, paths: &[&str]) -> Event {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        e
    }

    fn kinds(e: &Event) -> Vec<ChangeKind> {
        classify(e, &layout()).into_iter().map(|c| c.kind).collect()
    }

    #[test]
    fn event_table() {
        use ChangeKind::*;
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let create = EventKind::Create(CreateKind::File);
        let folder = EventKind::Create(CreateKind::Folder);
        let remove = EventKind::Remove(RemoveKind::File);
        let from = EventKind::Modify(ModifyKind::Name(RenameMode::From));
        let to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        let both = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let open = EventKind::Access(AccessKind::Open(AccessMode::Any));
        let closed_write = EventKind::Access(AccessKind::Close(AccessMode::Write));
        let closed_read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        let chmod = EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions));
        let atime = EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime));
        let table: Vec<(EventKind, Vec<&str>, Vec<ChangeKind>)> = vec![
            // Plain saves and file operations under content/.
            (write, vec!["/hb/content/a/01-x.md"], vec![Content]),
            (create, vec!["/hb/content/a/new.md"], vec![Content]),
            (remove, vec!["/hb/content/a/01-x.md"], vec![Content]),
            (folder, vec!["/hb/content/b"], vec![Content]),
            (
                both,
                vec!["/hb/content/a/x.md", "/hb/content/a/y.md"],
                vec![Content, Content],
            ),
            (closed_write, vec!["/hb/content/a/01-x.md"], vec![Content]),
            (chmod, vec!["/hb/content/a/01-x.md"], vec![Content]),
            (write, vec!["/hb/content/img/photo.png"], vec![Content]),
            // The build reads everything: reads never count.
            (open, vec!["/hb/content/a/01-x.md"], vec![]),
            (closed_read, vec!["/hb/content/a/01-x.md"], vec![]),
            (atime, vec!["/hb/content/a/01-x.md"], vec![]),
            // vim: probe file, swap files, backup by rename.
            (create, vec!["/hb/content/a/4913"], vec![]),
            (write, vec!["/hb/content/a/.01-x.md.swp"], vec![]),
            (from, vec!["/hb/content/a/01-x.md"], vec![Content]),
            (to, vec!["/hb/content/a/01-x.md~"], vec![]),
            (remove, vec!["/hb/content/a/01-x.md~"], vec![]),
            // JetBrains safe write.
            (write, vec!["/hb/content/a/01-x.md___jb_tmp___"], vec![]),
            (to, vec!["/hb/content/a/01-x.md___jb_old___"], vec![]),
            (
                both,
                vec!["/hb/content/a/01-x.md___jb_tmp___", "/hb/content/a/01-x.md"],
                vec![Content],
            ),
            // Emacs lock and autosave files; hidden folders.
            (create, vec!["/hb/content/a/.#01-x.md"], vec![]),
            (create, vec!["/hb/content/a/#01-x.md#"], vec![]),
            (write, vec!["/hb/content/.git/index"], vec![]),
            (write, vec!["/hb/content/.hidden/x.md"], vec![]),
            // sed -i writes a temp file with a random name, then renames it.
            (create, vec!["/hb/content/a/sedAbC123"], vec![Content]),
            (
                both,
                vec!["/hb/content/a/sedAbC123", "/hb/content/a/01-x.md"],
                vec![Content, Content],
            ),
            // themes/: only the file name counts as noise, like the loader.
            (
                write,
                vec!["/hb/themes/mine/templates/lesson.html"],
                vec![Theme],
            ),
            (
                write,
                vec!["/hb/themes/mine/templates/.lesson.html.swp"],
                vec![],
            ),
            (write, vec!["/hb/themes/mine/static/x.css~"], vec![]),
            // Top level: book.toml and the files it names only.
            (write, vec!["/hb/book.toml"], vec![Config]),
            (from, vec!["/hb/book.toml"], vec![Config]),
            (write, vec!["/hb/logo.png"], vec![Config]),
            (write, vec!["/hb/README.md"], vec![]),
            // The stylesheets book.toml names, in a folder of their own or not.
            (write, vec!["/hb/styles/brand.css"], vec![Config]),
            (
                both,
                vec!["/hb/styles/x.tmp", "/hb/styles/brand.css"],
                vec![Config],
            ),
            (remove, vec!["/hb/late.css"], vec![Config]),
            (write, vec!["/hb/styles/other.css"], vec![]),
            (folder, vec!["/hb/styles"], vec![Config]),
            (folder, vec!["/hb/stylesheets"], vec![]),
            (write, vec!["/hb/.book.toml.swp"], vec![]),
            (folder, vec!["/hb/content"], vec![Content]),
            (remove, vec!["/hb/themes"], vec![Theme]),
            // Output and staging folders never count, so serving cannot loop.
            (write, vec!["/hb/site/index.html"], vec![]),
            (create, vec!["/hb/site-facilitator/x.html"], vec![]),
            (create, vec!["/hb/.site.staging-123/index.html"], vec![]),
            (both, vec!["/hb/.site.staging-123", "/hb/site"], vec![]),
            (write, vec!["/elsewhere/file.md"], vec![]),
        ];
        for (kind, paths, want) in table {
            let e = ev(kind, &paths);
            assert_eq!(kinds(&e), want, "{kind:?} {paths:?}");
        }
    }

    #[test]
    fn named_files_are_matched_as_events_name_them() {
        let root = Path::new("/hb");
        let config = Config::from_toml(
            root,
            "title = 'T'\n[branding]\nlogo = './img/../logo.png'\nextra-css = ['./styles/brand.css']\n",
        )
        .unwrap();
        let l = Layout::new(root, Some(&config));
        assert_eq!(l.logo, Some(PathBuf::from("/hb/logo.png")));
        assert_eq!(l.extra_css, [PathBuf::from("/hb/styles/brand.css")]);
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        let e = ev(write, &["/hb/styles/brand.css"]);
        assert_eq!(classify(&e, &l)[0].kind, ChangeKind::Config);
    }

    #[test]
    fn outputs_inside_content_are_ignored() {
        let mut l = layout();
        l.outputs = vec![PathBuf::from("/hb/content/_site")];
        let e = ev(
            EventKind::Create(CreateKind::File),
            &["/hb/content/_site/index.html"],
        );
        assert!(classify(&e, &l).is_empty());
    }

    #[test]
    fn lost_events_ask_for_a_rescan() {
        let e = Event::new(EventKind::Other).set_flag(Flag::Rescan);
        assert_eq!(kinds(&e), vec![ChangeKind::Rescan]);
    }

    #[test]
    fn a_burst_is_one_batch_and_noise_alone_is_none() {
        let (tx, rx) = mpsc::channel();
        let d = Debouncer {
            quiet: Duration::from_millis(20),
            max_wait: Duration::from_secs(5),
        };
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        // Noise first: it neither starts nor ends a batch.
        tx.send(Ok(ev(write, &["/hb/content/a/.x.md.swp"])))
            .unwrap();
        for i in 0..500 {
            tx.send(Ok(ev(write, &[&format!("/hb/content/a/{i}.md")])))
                .unwrap();
            tx.send(Ok(ev(
                EventKind::Access(AccessKind::Any),
                &["/hb/content/a/x.md"],
            )))
            .unwrap();
        }
        let b = d.next_batch(&rx, &layout()).unwrap();
        assert_eq!(b.changes.len(), 500);
        tx.send(Ok(ev(write, &["/hb/content/a/x.md~"]))).unwrap();
        drop(tx);
        assert!(d.next_batch(&rx, &layout()).is_none());
    }

    #[test]
    fn watcher_errors_end_the_wait() {
        let (tx, rx) = mpsc::channel();
        let d = Debouncer {
            quiet: Duration::from_millis(20),
            max_wait: Duration::from_secs(5),
        };
        tx.send(Err(notify::Error::new(notify::ErrorKind::MaxFilesWatch)))
            .unwrap();
        let b = d.next_batch(&rx, &layout()).unwrap();
        assert!(b.changes.is_empty());
        assert_eq!(b.errors.len(), 1);
        assert!(fallback_note(&b.errors[0]).contains("max_user_watches"));
    }

    #[test]
    fn network_file_systems_are_polled() {
        assert_eq!(eventless_fs(0x6969), Some("NFS"));
        assert_eq!(eventless_fs(0x0102_1997), Some("9p"));
        assert_eq!(eventless_fs(0xEF53), None); // ext4
        assert_eq!(eventless_fs(0x0102_1994), None); // tmpfs
    }
}
