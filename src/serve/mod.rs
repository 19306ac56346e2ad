//! `handbook serve`: live preview.
//!
//! The site is built into memory and served over HTTP from there; nothing is
//! written to disk. A file watcher ([`watch`]) collects changes to
//! `book.toml`, `content/` and `themes/` until they settle, then the site is
//! rebuilt (reusing unchanged work through a [`crate::BuildCache`]). A good
//! build replaces the served site in one swap and only then are open pages
//! told to reload; a failed build keeps the last good site served and sends
//! its diagnostics to the browser, which shows them in an overlay.
//!
//! The search index is built right after the pages are swapped in, and a
//! request for one of its files waits until it is there ([`SearchSlot`]):
//! every response belongs to the new site, and a reload does not wait for
//! an index the page will only load once the reader types a query.
//!
//! - [`http`]: the HTTP side: request checks, routing, the live-reload
//!   script and its event stream.
//! - [`watch`]: the watcher, the event filter and the debouncer.
//!
//! See `docs/serve.md` for the behaviour and the choices behind it.

pub mod http;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use clap::Args;

use crate::config::{Config, Edition};
use crate::diag::{plural, Diagnostic, Failure, Printer, Severity};
use crate::{BuildCache, OutputFile, SearchJob, Site};

/// The port tried first when `--port` is not given.
pub const DEFAULT_PORT: u16 = 3000;
/// How many ports after the default are tried before any free port is taken.
const PORT_ATTEMPTS: u16 = 50;

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// The handbook folder (holding book.toml).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Port to listen on [default: 3000, or the next free port when 3000 is busy]. 0 picks any free port.
    #[arg(short, long)]
    pub port: Option<u16>,
    /// Address to listen on. Anything other than 127.0.0.1 or ::1 shows your drafts to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the site in the default browser once it is served.
    #[arg(long)]
    pub open: bool,
    /// Serve this edition (default: the first edition listed in book.toml).
    #[arg(long, value_enum)]
    pub edition: Option<ServeEdition>,
    /// Include lessons marked `draft: true` (the default when serving).
    #[arg(long, overrides_with = "no_drafts")]
    pub drafts: bool,
    /// Leave out drafts, to preview exactly what `handbook build` publishes.
    #[arg(long, overrides_with = "drafts")]
    pub no_drafts: bool,
    /// Poll the file system for changes instead of relying on OS events.
    #[arg(long)]
    pub poll: bool,
    /// Milliseconds of quiet after the last change before rebuilding.
    #[arg(long, default_value_t = watch::DEFAULT_QUIET_MS, hide = true)]
    pub debounce_ms: u64,
    /// Print the time of each build stage after every rebuild.
    #[arg(long, hide = true)]
    pub timings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ServeEdition {
    Participant,
    Facilitator,
}

impl From<ServeEdition> for Edition {
    fn from(e: ServeEdition) -> Edition {
        match e {
            ServeEdition::Participant => Edition::Participant,
            ServeEdition::Facilitator => Edition::Facilitator,
        }
    }
}

/// One diagnostic as the browser receives it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DiagView {
    pub severity: Severity,
    /// `path:line:col`, or the path alone when the whole file is meant.
    pub location: String,
    pub message: String,
    pub hint: Option<String>,
    /// The offending source line, when known.
    pub line: Option<String>,
}

impl From<&Diagnostic> for DiagView {
    fn from(d: &Diagnostic) -> DiagView {
        DiagView {
            severity: d.severity,
            location: d.location(),
            message: d.message.clone(),
            hint: d.hint.clone(),
            line: d.source_line().map(str::to_string),
        }
    }
}

/// What is being served right now.
#[derive(Clone)]
pub struct Snapshot {
    /// The last good site; `None` until a build has succeeded.
    pub site: Option<Arc<Site>>,
    /// Counts good builds: bumped each time a new site is swapped in.
    pub generation: u64,
    /// The diagnostics of the latest build when it failed.
    pub failure: Option<Arc<Vec<DiagView>>>,
    /// The search index of `site`, filled once built; `None` without search.
    pub search: Option<Arc<SearchSlot>>,
}

/// The `_search/` files of one published site, built after its pages.
#[derive(Default)]
pub struct SearchSlot {
    /// Set once: the files (sorted by path), or `None` when a newer site
    /// was published first and the index was given up.
    state: std::sync::OnceLock<Option<Vec<OutputFile>>>,
    settled: tokio::sync::Notify,
}

impl SearchSlot {
    /// Stores the files and wakes every waiting request (nothing, once
    /// superseded).
    pub fn fill(&self, files: Vec<OutputFile>) {
        let _ = self.state.set(Some(files));
        self.settled.notify_waiters();
    }

    /// A newer site is published: stop building this index, and send
    /// waiting requests on to the newer site.
    pub fn supersede(&self) {
        let _ = self.state.set(None);
        self.settled.notify_waiters();
    }

    /// Whether the job building the files should give up: while it runs,
    /// only [`SearchSlot::supersede`] settles the slot.
    fn cancelled(&self) -> bool {
        self.state.get().is_some()
    }

    /// The files, once built.
    pub fn files(&self) -> Option<&[OutputFile]> {
        self.state.get()?.as_deref()
    }

    /// Waits until the files are there (`true`) or given up (`false`).
    pub async fn ready(&self) -> bool {
        loop {
            // Registered before the check: a fill in between still wakes it.
            let settled = self.settled.notified();
            if let Some(state) = self.state.get() {
                return state.is_some();
            }
            settled.await;
        }
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        crate::find_file(self.files()?, path)
    }
}

/// Builds search indexes in the background, on threads of their own at the
/// lowest CPU priority, so that the next rebuild of the pages is never
/// kept waiting by an index.
pub struct SearchWorker {
    pool: Option<rayon::ThreadPool>,
    timings: bool,
}

impl SearchWorker {
    pub fn new(timings: bool) -> SearchWorker {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("serve-search-{i}"))
            .start_handler(|_| lower_priority())
            .build()
            .ok();
        SearchWorker { pool, timings }
    }

    /// Builds `job` into `slot` in the background.
    pub fn start(&self, job: SearchJob, slot: Arc<SearchSlot>) {
        let timings = self.timings;
        let work = move || {
            let started = Instant::now();
            let files = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                job.run_until(&|| slot.cancelled())
            }));
            if timings && matches!(files, Ok(Some(_))) {
                eprintln!(
                    "  search index ready {:.1} ms after the pages",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            // Whatever happened, the slot settles: a job given up finds it
            // superseded already, and a failed one (or a panic) leaves an
            // empty index rather than requests waiting for ever.
            slot.fill(files.ok().flatten().unwrap_or_default());
        };
        match &self.pool {
            Some(pool) => pool.spawn(work),
            None => work(),
        }
    }
}

/// State shared by the HTTP threads and the rebuild loop.
pub struct Shared {
    state: RwLock<Snapshot>,
    /// Live-reload clients: each gets every event through its channel.
    clients: Mutex<Vec<tokio::sync::mpsc::Sender<Arc<str>>>>,
    /// Distinguishes this server's generations from an earlier run's, so a
    /// page left open across a restart reloads too.
    pub instance: String,
    /// Build attempts so far (good or failed).
    builds: AtomicU64,
    pub access: http::Access,
    pub search: SearchWorker,
}

/// Puts the calling thread at the lowest CPU priority (Linux: threads have
/// their own nice value).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread, no memory involved.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 19);
    }
}

impl Shared {
    pub fn new(access: http::Access, timings: bool) -> Shared {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        Shared {
            state: RwLock::new(Snapshot {
                site: None,
                generation: 0,
                failure: None,
                search: None,
            }),
            clients: Mutex::new(Vec::new()),
            instance: format!("{:x}", (nanos as u64) ^ u64::from(std::process::id()) << 32),
            builds: AtomicU64::new(0),
            access,
            search: SearchWorker::new(timings),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        self.state.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn builds(&self) -> u64 {
        self.builds.load(Ordering::SeqCst)
    }

    /// The version token pages carry: instance and generation.
    pub fn version(&self, generation: u64) -> String {
        format!("{}.{generation}", self.instance)
    }

    /// Swaps in a new site, then tells every client to reload. `search`
    /// is its index, filled later (requests for its files wait for it).
    pub fn publish_site(&self, site: Site, search: Option<Arc<SearchSlot>>) -> u64 {
        let old_search;
        let generation = {
            let mut s = self.state.write().unwrap_or_else(|e| e.into_inner());
            s.site = Some(Arc::new(site));
            old_search = std::mem::replace(&mut s.search, search);
            s.generation += 1;
            s.failure = None;
            s.generation
        };
        // Only now, with the new site in place, is the old index dropped:
        // requests waiting for it move on to the new one.
        if let Some(old) = old_search {
            old.supersede();
        }
        self.builds.fetch_add(1, Ordering::SeqCst);
        // The new site is in place: only now may pages reload.
        self.broadcast(&http::event_reload(self, generation));
        generation
    }

    /// Records a failed build; the last good site stays served.
    pub fn publish_failure(&self, diags: &[Diagnostic]) {
        let views: Vec<DiagView> = diags.iter().map(DiagView::from).collect();
        let views = Arc::new(views);
        let generation = {
            let mut s = self.state.write().unwrap_or_else(|e| e.into_inner());
            s.failure = Some(views.clone());
            s.generation
        };
        self.builds.fetch_add(1, Ordering::SeqCst);
        self.broadcast(&http::event_failed(self, generation, &views));
    }

    /// Adds a live-reload stream. Streams whose page has gone are dropped;
    /// past the limit the oldest stream is closed (an open page reconnects
    /// by itself), so the newest page always gets live reload.
    pub(crate) fn add_client(&self, tx: tokio::sync::mpsc::Sender<Arc<str>>) {
        let mut c = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        c.retain(|tx| !tx.is_closed());
        if c.len() >= http::MAX_LIVE_CLIENTS {
            c.remove(0);
        }
        c.push(tx);
    }

    fn broadcast(&self, message: &str) {
        let message: Arc<str> = Arc::from(message);
        let mut c = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        // A client whose queue is full or closed is dropped; its stream ends
        // and the browser reconnects and catches up from the first event.
        c.retain(|tx| tx.try_send(message.clone()).is_ok());
    }
}

/// Everything fixed for the life of the server.
struct Setup {
    root: PathBuf,
    edition: Edition,
    drafts: bool,
}

impl Setup {
    fn config(&self) -> Result<Config, Failure> {
        let mut config = Config::load(&self.root)?;
        config.edition = self.edition;
        config.drafts = self.drafts;
        // Serving writes nothing, but discovery must skip this folder when
        // it lies inside content/, exactly as `handbook build` does.
        config.out_dir = config.default_out_dir(self.edition);
        Ok(config)
    }
}

/// The configuration `handbook serve` builds with, for tests and tools that
/// compare the served site with a clean build.
pub fn serve_config(root: &Path, edition: Edition, drafts: bool) -> Result<Config, Failure> {
    Setup {
        root: root.to_path_buf(),
        edition,
        drafts,
    }
    .config()
}

pub fn run(args: &ServeArgs, quiet: bool) -> Result<(), Failure> {
    let printer = Printer::for_stderr();
    Config::require_book(&args.dir)?;
    let root = args.dir.canonicalize().map_err(|e| {
        Failure::from(Diagnostic::file(
            Severity::Error,
            args.dir.display().to_string(),
            format!("cannot open the handbook folder: {e}"),
        ))
    })?;
    let first = Config::load(&root);
    let edition = match (args.edition, &first) {
        (Some(e), _) => e.into(),
        (None, Ok(c)) => c.book.build.editions.first().copied().unwrap_or_default(),
        (None, Err(_)) => Edition::Participant,
    };
    let setup = Setup {
        root: root.clone(),
        edition,
        drafts: !args.no_drafts,
    };

    let (listener, fallback) = bind(args.bind, args.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::from(Diagnostic::file(Severity::Error, "serve", e.to_string())))?;
    let shared = Arc::new(Shared::new(http::Access::new(addr), args.timings));
    let cache = BuildCache::new();

    // Watch before the first build reads anything, so that no change made
    // from now on goes unseen.
    let (tx, rx) = mpsc::channel();
    let layout = watch::Layout::new(&setup.root, first.as_ref().ok());
    let (watcher, note) = watch::Watch::start(&layout, args.poll, tx);
    if let Some(note) = note {
        eprintln!("{note}");
    }

    // The first build: a failure is shown in the browser like any other.
    let mut publisher = Publisher {
        setup: &setup,
        cache: &cache,
        shared: &shared,
        printer: &printer,
        quiet,
        timings: args.timings,
        last_warnings: Vec::new(),
    };
    let pending = publisher.rebuild(Instant::now());

    http::start(listener, shared.clone()).map_err(|e| {
        Failure::from(Diagnostic::file(
            Severity::Error,
            "serve",
            format!("cannot start the HTTP server: {e}"),
        ))
    })?;

    let url = match addr.ip() {
        ip if ip.is_unspecified() => format!("http://localhost:{}/", addr.port()),
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", addr.port()),
        ip => format!("http://{ip}:{}/", addr.port()),
    };
    if let Some(busy) = fallback {
        eprintln!("port {busy} is in use; using port {} instead", addr.port());
    }
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read the handbook, drafts and facilitator notes included",
            args.bind
        );
    }
    // The address goes to stdout, even with --quiet: it is this command's output.
    let drafts = if setup.drafts {
        ", including drafts,"
    } else {
        ""
    };
    println!("serving the {} edition{drafts} at {url}", edition.name());
    if !quiet {
        eprintln!("watching book.toml, content/ and themes/ for changes; press Ctrl-C to stop");
    }
    if args.open {
        open_browser(&url);
    }
    publisher.start_search(pending);

    let looping = Looping {
        publisher,
        quiet_time: Duration::from_millis(args.debounce_ms.max(1)),
    };
    looping.run(rx, watcher, layout)
}

struct Looping<'a> {
    publisher: Publisher<'a>,
    quiet_time: Duration,
}

/// A published site's search index, still to be built.
type PendingSearch = Option<(SearchJob, Arc<SearchSlot>)>;

/// Builds the site, publishes the outcome and reports it on the terminal.
struct Publisher<'a> {
    setup: &'a Setup,
    cache: &'a BuildCache,
    shared: &'a Shared,
    printer: &'a Printer,
    quiet: bool,
    timings: bool,
    /// The warnings printed last: the same ones are not printed again.
    last_warnings: Vec<String>,
}

impl Publisher<'_> {
    /// Builds the pages and publishes them (or the failure); the search
    /// index is left to [`Publisher::start_search`], so that the caller
    /// can tell the reader first.
    fn rebuild(&mut self, started: Instant) -> PendingSearch {
        let outcome = self
            .setup
            .config()
            .and_then(|config| crate::build_pages_first(&config, self.cache));
        match outcome {
            Ok((site, job)) => {
                let pending = job.map(|j| (j, Arc::new(SearchSlot::default())));
                self.report_site(site, pending.as_ref().map(|(_, s)| s.clone()), started);
                pending
            }
            Err(failure) => {
                self.report_failure(&failure);
                None
            }
        }
    }

    /// Starts building a published site's search index.
    fn start_search(&self, pending: PendingSearch) {
        if let Some((job, slot)) = pending {
            self.shared.search.start(job, slot);
        }
    }

    /// Publishes a good build and says so on the terminal.
    fn report_site(&mut self, site: Site, search: Option<Arc<SearchSlot>>, started: Instant) {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let warnings: Vec<String> = site.warnings.iter().map(|w| w.to_string()).collect();
        if !self.quiet && warnings != self.last_warnings {
            self.printer.eprint(&site.warnings);
        }
        self.last_warnings = warnings;
        let pages = site.pages;
        if self.timings {
            let stages: Vec<String> = site
                .timings
                .iter()
                .map(|(n, d)| format!("{n} {:.1}", d.as_secs_f64() * 1000.0))
                .collect();
            eprintln!("  stages (ms): {}", stages.join(", "));
        }
        let generation = self.shared.publish_site(site, search);
        if !self.quiet {
            if generation == 1 {
                eprintln!("built {} in {ms:.0} ms", plural(pages, "page"));
            } else {
                eprintln!(
                    "rebuilt {} in {ms:.0} ms; reloading open pages",
                    plural(pages, "page")
                );
            }
        }
    }

    /// Publishes a failed build (the last good site stays served) and
    /// prints its diagnostics.
    fn report_failure(&mut self, failure: &Failure) {
        self.printer.eprint(&failure.diagnostics);
        let errors = failure.errors().count();
        eprintln!(
            "build failed: {}; the browser shows {}, and {}",
            plural(errors, "error"),
            if errors == 1 { "it" } else { "them" },
            if self.shared.snapshot().site.is_some() {
                "the last good version stays served"
            } else {
                "the site appears once the build succeeds"
            }
        );
        self.last_warnings.clear();
        self.shared.publish_failure(&failure.diagnostics);
    }
}

impl Looping<'_> {
    /// Rebuilds after each settled batch of changes, forever.
    fn run(
        mut self,
        rx: mpsc::Receiver<notify::Result<notify::Event>>,
        mut watcher: watch::Watch,
        mut layout: watch::Layout,
    ) -> Result<(), Failure> {
        let setup = self.publisher.setup;
        let debouncer = watch::Debouncer {
            quiet: self.quiet_time,
            max_wait: watch::MAX_WAIT,
        };
        loop {
            let Some(batch) = debouncer.next_batch(&rx, &layout) else {
                return Err(
                    Diagnostic::file(Severity::Error, "serve", "the file watcher stopped").into(),
                );
            };
            let mut rebuild_anyway = false;
            for e in &batch.errors {
                let (note, missed) = watcher.on_error(e, &layout);
                if let Some(note) = note {
                    eprintln!("{note}");
                }
                rebuild_anyway |= missed;
            }
            if batch.changes.is_empty() && !rebuild_anyway {
                continue;
            }
            let started = Instant::now();
            if batch
                .changes
                .iter()
                .any(|c| c.kind == watch::ChangeKind::Config)
            {
                layout = watch::Layout::new(&setup.root, setup.config().ok().as_ref());
            }
            // New folders are watched before the build reads them, so nothing
            // written into them afterwards goes unseen.
            if let Some(note) = watcher.refresh(&layout, &batch) {
                eprintln!("{note}");
            }
            let pending = self.publisher.rebuild(started);
            self.publisher.start_search(pending);
        }
    }
}

/// Binds the listener. Without `--port`, a busy default port moves on to
/// the next free one; an explicit port must be free.
fn bind(ip: IpAddr, port: Option<u16>) -> Result<(TcpListener, Option<u16>), Failure> {
    let fail = |port: u16, e: std::io::Error| -> Failure {
        let hint = match e.kind() {
            std::io::ErrorKind::AddrInUse => {
                "another program uses this port: choose another with --port, or leave --port out to pick a free one"
            }
            std::io::ErrorKind::AddrNotAvailable => {
                "this machine has no such address: use --bind 127.0.0.1"
            }
            std::io::ErrorKind::PermissionDenied => "ports below 1024 need privileges: choose a higher port",
            _ => "check --bind and --port",
        };
        Diagnostic::file(
            Severity::Error,
            "serve",
            format!("cannot listen on {}: {e}", SocketAddr::new(ip, port)),
        )
        .with_hint(hint)
        .into()
    };
    match port {
        Some(p) => TcpListener::bind((ip, p))
            .map(|l| (l, None))
            .map_err(|e| fail(p, e)),
        None => {
            for p in DEFAULT_PORT..DEFAULT_PORT + PORT_ATTEMPTS {
                match TcpListener::bind((ip, p)) {
                    Ok(l) => return Ok((l, (p != DEFAULT_PORT).then_some(DEFAULT_PORT))),
                    Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
                    Err(e) => return Err(fail(p, e)),
                }
            }
            TcpListener::bind((ip, 0))
                .map(|l| (l, Some(DEFAULT_PORT)))
                .map_err(|e| fail(0, e))
        }
    }
}

fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("could not open a browser ({program}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime")
            .block_on(f)
    }

    #[test]
    fn a_search_slot_wakes_its_waiters_when_filled_or_superseded() {
        // Filled from another thread while a request waits.
        let slot = Arc::new(SearchSlot::default());
        let filler = slot.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            filler.fill(vec![OutputFile::new("_search/m.js".into(), b"x".to_vec())]);
        });
        assert!(block_on(slot.ready()));
        t.join().unwrap();
        assert_eq!(slot.get("_search/m.js"), Some(&b"x"[..]));
        assert_eq!(slot.get("_search/other.js"), None);
        // A later supersede changes nothing once filled.
        slot.supersede();
        assert!(block_on(slot.ready()));

        // Superseded first: waiters are told to look at the newer site,
        // and the job is told to stop.
        let slot = Arc::new(SearchSlot::default());
        let other = slot.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            other.supersede();
        });
        assert!(!block_on(slot.ready()));
        t.join().unwrap();
        assert!(slot.cancelled());
        assert!(slot.files().is_none());
        slot.fill(Vec::new());
        assert!(slot.files().is_none(), "a superseded slot stays empty");
    }
}
