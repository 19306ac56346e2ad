//! handbook: a static site generator for leadership handbooks.
//!
//! [`build`] is one straight pipeline; each stage is a module and data flows
//! one way through them:
//!
//! 1. [`config`]: `book.toml`
//! 2. [`discover`]: the files under `content/`, and [`branding`]: the logo
//!    and stylesheets `book.toml` names
//! 3. [`frontmatter`], [`exercise`], [`workshop`]: front matter and YAML
//! 4. [`model`]: order, navigation and ids
//! 5. [`markdown`]: one parse per page and per exercise or workshop field (HTML,
//!    headings, search text, links)
//! 6. [`validate`]: cross-references; every error collected
//! 7. [`search`]: the sharded search index
//! 8. [`theme`]: templates, embedded default plus overrides
//! 9. [`render`]: typed views through the templates
//! 10. [`output`]: the atomic write (done by the caller: `build` returns the
//!     files in memory)

pub mod branding;
pub mod cache;
pub mod config;
pub mod diag;
pub mod discover;
pub mod exercise;
pub mod frontmatter;
pub mod fsx;
pub mod init;
pub mod markdown;
pub mod model;
pub mod output;
mod recover;
pub mod render;
mod scratch;
pub mod search;
pub mod serve;
pub mod smart;
pub mod theme;
pub mod validate;
pub mod workshop;
mod yaml;

use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

pub use cache::BuildCache;
pub use config::{Config, Edition};
pub use diag::{Diagnostic, Failure, Severity};
/// For the speed benchmark's YAML floor (`examples/floor.rs --yaml`).
pub use yaml::skim as skim_yaml;

/// One file of the built site.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path relative to the site root, `/`-separated.
    pub path: String,
    pub bytes: Arc<[u8]>,
}

impl OutputFile {
    pub fn new(path: String, bytes: Vec<u8>) -> OutputFile {
        OutputFile {
            path,
            bytes: bytes.into(),
        }
    }
}

/// The bytes of the file at `path` in `files`, which are sorted by path.
pub fn find_file<'a>(files: &'a [OutputFile], path: &str) -> Option<&'a [u8]> {
    files
        .binary_search_by(|f| f.path.as_str().cmp(path))
        .ok()
        .map(|i| &*files[i].bytes)
}

/// A built site, in memory.
#[derive(Debug)]
pub struct Site {
    /// Every file, sorted by path.
    pub files: Vec<OutputFile>,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// Wall time of each pipeline stage, in order.
    pub timings: Vec<(&'static str, Duration)>,
    pub pages: usize,
    pub exercises: usize,
}

impl Site {
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        find_file(&self.files, path)
    }
    pub fn text(&self, path: &str) -> Option<&str> {
        self.get(path).and_then(|b| std::str::from_utf8(b).ok())
    }
}

/// Hooks for progress reporting; the default does nothing.
#[derive(Default)]
pub struct Progress<'a> {
    /// Called with the number of pages about to be rendered.
    pub start: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Called as pages finish.
    pub tick: Option<&'a (dyn Fn(u64) + Sync)>,
}

struct Stages {
    last: Instant,
    timings: Vec<(&'static str, Duration)>,
}

impl Stages {
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.timings.push((name, now - self.last));
        self.last = now;
    }
}

fn fail(mut diags: Vec<Diagnostic>) -> Failure {
    diag::sort(&mut diags);
    Failure { diagnostics: diags }
}

/// Builds the handbook described by `config` into memory.
///
/// Returns every problem at once: if any is an error, the result is a
/// [`Failure`] listing errors and warnings; otherwise the site and its warnings.
pub fn build(config: &Config) -> Result<Site, Failure> {
    build_with(config, &Progress::default())
}

/// [`build`], reusing work from earlier builds kept in `cache` (for
/// `handbook serve`). The result is the same as [`build`]'s.
pub fn build_cached(config: &Config, cache: &BuildCache) -> Result<Site, Failure> {
    let (mut site, job) = pipeline(config, &Progress::default(), Some(cache), true)?;
    if let Some(job) = job {
        site.files.extend(job.run());
        site.files.sort_by(|a, b| a.path.cmp(&b.path));
    }
    Ok(site)
}

/// [`build_cached`] that leaves the search index to be built afterwards:
/// `handbook serve` publishes the pages first and then runs the job, and
/// answers requests for `_search/` files once it is done. Problems with
/// the `[search]` settings are still reported here, with the pages'.
pub fn build_pages_first(
    config: &Config,
    cache: &BuildCache,
) -> Result<(Site, Option<SearchJob>), Failure> {
    pipeline(config, &Progress::default(), Some(cache), true)
}

pub fn build_with(config: &Config, progress: &Progress<'_>) -> Result<Site, Failure> {
    pipeline(config, progress, None, false).map(|(site, _)| site)
}

/// The search index of a build whose pages are done (see
/// [`build_pages_first`]): what the index needs, taken over from the build.
pub struct SearchJob {
    config: Config,
    book: model::Book,
    rendered: Vec<Arc<markdown::Rendered>>,
    exercises: Vec<exercise::Exercise>,
    exercise_md: Vec<Arc<markdown::ExerciseMarkdown>>,
    workshops: Vec<workshop::Workshop>,
    workshop_md: Vec<markdown::WorkshopMarkdown>,
}

impl SearchJob {
    /// The `_search/` files, sorted by path: exactly what [`build`] writes.
    pub fn run(&self) -> Vec<OutputFile> {
        self.run_until(&|| false).unwrap_or_default()
    }

    /// [`SearchJob::run`] that gives up, with `None`, once `stop()` says so.
    pub fn run_until(&self, stop: &(dyn Fn() -> bool + Sync)) -> Option<Vec<OutputFile>> {
        let inputs = search::Inputs {
            config: &self.config,
            book: &self.book,
            rendered: &self.rendered,
            exercises: &self.exercises,
            exercise_md: &self.exercise_md,
            workshops: &self.workshops,
            workshop_md: &self.workshop_md,
        };
        // The settings were checked when the job was made.
        let mut files = search::build_until(&inputs, stop).ok()??;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Some(files)
    }
}

fn pipeline(
    config: &Config,
    progress: &Progress<'_>,
    cache: Option<&BuildCache>,
    defer_search: bool,
) -> Result<(Site, Option<SearchJob>), Failure> {
    let mut t = Stages {
        last: Instant::now(),
        timings: Vec::new(),
    };
    let mut diags: Vec<Diagnostic> = config.warnings.clone();
    let has_errors = |d: &[Diagnostic]| d.iter().any(Diagnostic::is_error);

    // 2. discover
    let (found, d) = match cache {
        Some(c) => discover::discover_with(config, &|p| c.read(p)),
        None => discover::discover(config),
    };
    diags.extend(d);
    // The files book.toml names are read, and its theme looked for, with
    // the content: their problems are reported with the content's, in the
    // same run.
    let (extra_css, d) = branding::read_extra_css(config);
    diags.extend(d);
    let logo = branding::logo_file(config).unwrap_or_else(|d| {
        diags.push(d);
        None
    });
    diags.extend(theme::missing(config));
    t.lap("discover");
    if found.no_content {
        return Err(fail(diags));
    }

    // 3. front matter and YAML
    let (mut pages, d) = match cache {
        Some(c) => frontmatter::parse_pages_with(found.pages, &|f| c.parse_page(f)),
        None => frontmatter::parse_pages(found.pages),
    };
    diags.extend(d);
    pages.extend(
        found
            .unreadable_pages
            .into_iter()
            .map(frontmatter::stand_in),
    );
    let (mut exercises, d) = match cache {
        Some(c) => exercise::parse_all_with(found.exercises, &|f| c.parse_exercise(f)),
        None => exercise::parse_all(found.exercises),
    };
    diags.extend(d);
    if config.book.markdown.smart_punctuation {
        pages
            .par_iter_mut()
            .for_each(|p| smart::front_matter(&mut p.front));
    }
    t.lap("front matter");

    // 4. model
    let (book, d) = model::build(pages, found.assets, config.drafts);
    diags.extend(d);
    if book.pages.is_empty() {
        return Err(fail(diags));
    }
    let mut book = book;
    exercise::take_drafts(&mut exercises, &mut book);
    diags.extend(exercise::validate(&mut exercises, &book));
    // Every plan's page, known from its path: a link to a plan that fails
    // is not also a link to a missing file.
    let workshop_pages: Vec<(String, String)> = (found.workshops.iter())
        .map(|f| (f.rel.clone(), workshop::page_path(&f.rel)))
        .collect();
    let (mut workshops, d) = workshop::build_all(found.workshops, &book, &exercises);
    diags.extend(d);
    // Checked as written; shown with the Markdown's smart punctuation.
    if config.book.markdown.smart_punctuation {
        exercises
            .par_iter_mut()
            .for_each(|e| smart::exercise(&mut e.data));
        workshops.iter_mut().for_each(smart::workshop);
    }
    t.lap("model");

    // 5. markdown: one parse per page
    let yaml_pages = markdown::yaml_pages(&exercises, &workshop_pages);
    let settings = markdown::Settings {
        book: &book,
        yaml_pages: &yaml_pages,
        options: &config.book.markdown,
        edition: config.edition,
        search_text: config.book.search.enabled,
    };
    let render_page = |i: usize, p: &model::Page| {
        let dir = p.rel().rfind('/').map_or("", |k| &p.rel()[..k]);
        markdown::render(
            &markdown::Input {
                source: p.source(),
                text: p.parsed.body(),
                origin: markdown::TextOrigin::Slice(p.parsed.body_offset),
                dir,
                out: &p.out,
                page: Some(i),
            },
            &settings,
        )
    };
    let mut rendered: Vec<Arc<markdown::Rendered>> = match cache {
        Some(c) => c.markdown(&book, &settings, &render_page),
        None => book
            .pages
            .par_iter()
            .enumerate()
            .map(|(i, p)| Arc::new(render_page(i, p)))
            .collect(),
    };
    for r in &rendered {
        diags.extend(r.diags.iter().cloned());
    }
    // The exercises' Markdown fields, once, for their pages and the index.
    let render_exercise = |e: &exercise::Exercise| markdown::render_exercise(e, &settings);
    let mut exercise_md: Vec<Arc<markdown::ExerciseMarkdown>> = match cache {
        Some(c) => c.exercise_markdown(&exercises, &render_exercise),
        None => exercises
            .par_iter()
            .map(|e| Arc::new(render_exercise(e)))
            .collect(),
    };
    for m in &exercise_md {
        diags.extend(m.diags.iter().cloned());
    }
    let workshop_md: Vec<markdown::WorkshopMarkdown> = workshops
        .iter()
        .map(|w| markdown::render_workshop(w, &exercises, &settings))
        .collect();
    for m in &workshop_md {
        diags.extend(m.diags.iter().cloned());
    }
    t.lap("markdown");

    // 6. validate
    diags.extend(validate::cross_references(&validate::Inputs {
        book: &book,
        rendered: &rendered,
        exercises: &exercises,
        exercise_md: &exercise_md,
        workshops: &workshops,
        workshop_md: &workshop_md,
    }));
    if has_errors(&diags) {
        return Err(fail(diags));
    }
    t.lap("validate");

    // 7. search index (or, when it is deferred, a check of its settings)
    let search_files = if config.book.search.enabled && defer_search {
        if let Err(d) = search::analyzer(config) {
            diags.push(d);
            return Err(fail(diags));
        }
        Vec::new()
    } else if config.book.search.enabled {
        let (files, d) = search::build(&search::Inputs {
            config,
            book: &book,
            rendered: &rendered,
            exercises: &exercises,
            exercise_md: &exercise_md,
            workshops: &workshops,
            workshop_md: &workshop_md,
        });
        diags.extend(d);
        if has_errors(&diags) {
            return Err(fail(diags));
        }
        files
    } else {
        Vec::new()
    };
    // The search text is indexed and nothing else reads it: free it, on the
    // worker threads, for the pages about to be rendered there (at 10,000
    // lessons it is some 140 MB). A cache keeps it for later builds.
    if cache.is_none() {
        rendered.par_iter_mut().for_each(|r| {
            if let Some(r) = Arc::get_mut(r) {
                r.sections = Vec::new();
                r.search_text = String::new();
            }
        });
        exercise_md.par_iter_mut().for_each(|m| {
            if let Some(m) = Arc::get_mut(m) {
                m.drop_search_text();
            }
        });
    }
    t.lap("search");

    // 8. theme
    let theme = match cache {
        Some(c) => c.theme(config),
        None => theme::load(config).map(Arc::new),
    }
    .map_err(|d| fail(diags.iter().cloned().chain(d).collect()))?;
    let theme: &theme::Theme = &theme;
    t.lap("theme");

    // 9. render
    let (extra_css, extra_links) = branding::extra_css_files(extra_css, &theme.statics);
    let mut site_view = render::site_view(
        config,
        &exercises,
        &workshops,
        logo.as_ref().map(|f| f.path.clone()),
        extra_links,
    );
    if config.book.search.enabled {
        site_view.search_filters = render::search_filters(theme, &site_view)
            .map_err(|d| fail(diags.iter().cloned().chain(d).collect()))?;
    }
    let inputs = render::Inputs {
        config,
        book: &book,
        rendered: &rendered,
        exercises: &exercises,
        exercise_md: &exercise_md,
        workshops: &workshops,
        workshop_md: &workshop_md,
        theme,
    };
    if let Some(start) = progress.start {
        start(book.pages.len() as u64);
    }
    let noop = |_: u64| {};
    let tick: &(dyn Fn(u64) + Sync) = progress.tick.unwrap_or(&noop);
    let mut files = render::render_all(&inputs, &site_view, tick)
        .map_err(|d| fail(diags.iter().cloned().chain(d).collect()))?;
    files.push(render::nav_script(&book));
    files.extend(search_files);
    files.extend(
        theme
            .statics
            .iter()
            .map(|(name, bytes)| OutputFile::new(format!("_theme/{name}"), bytes.clone())),
    );
    files.extend(logo);
    files.extend(extra_css);
    files.extend(book.assets.iter().map(|a| OutputFile {
        path: a.out.clone(),
        bytes: a.asset.bytes.clone(),
    }));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(w) = files
        .windows(2)
        .find(|w| w[0].path.eq_ignore_ascii_case(&w[1].path))
    {
        diags.push(
            Diagnostic::file(
                Severity::Error,
                format!("content/{}", w[1].path),
                format!("two outputs share the path `{}`", w[1].path),
            )
            .with_hint("a content file takes a path the generator uses; rename it"),
        );
        return Err(fail(diags));
    }
    t.lap("render");

    diag::sort(&mut diags);
    if let Some(c) = cache {
        c.finish(&book, &exercises);
    }
    let site = Site {
        files,
        warnings: diags,
        timings: t.timings,
        pages: book.pages.len(),
        exercises: exercises.len(),
    };
    let job = (defer_search && config.book.search.enabled).then(|| SearchJob {
        config: config.clone(),
        book,
        rendered,
        exercises,
        exercise_md,
        workshops,
        workshop_md,
    });
    Ok((site, job))
}
