//! Stage 9: every page rendered through the theme from typed view structs.
//! Views borrow from the model; nothing site-wide is cloned per page except
//! the small header data.

use std::borrow::Cow;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::{Config, Edition};
use crate::diag::Diagnostic;
use crate::exercise::{Difficulty, Exercise, GroupType, Kind};
use crate::markdown::{ExerciseMarkdown, FieldMarkdown, Heading, Rendered, WorkshopMarkdown};
use crate::model::{relative_url, root_prefix, Book, Node, PageKind};
use crate::search::encode::js_json;
use crate::theme::Theme;
use crate::workshop::{format_duration, format_time, SlotWhat, Workshop};
use crate::OutputFile;

/// Data every page shows in its header and `<head>`.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: Cow<'a, str>,
    pub description: Cow<'a, str>,
    pub organisation: Cow<'a, str>,
    pub language: &'a str,
    pub accent: Option<&'a str>,
    /// Logo path under the site root.
    pub logo: Option<String>,
    /// The `[branding] extra-css` stylesheets' paths under the site root,
    /// in the order listed: linked after the theme's own.
    pub extra_css: Vec<String>,
    /// `base-url` with a trailing `/`, for the canonical link only: the site never needs it.
    pub base_url: Option<String>,
    pub edition: &'static str,
    pub facilitator: bool,
    pub search: bool,
    /// The header's search filters (see [`search_filters`]): HTML, empty
    /// without search.
    pub search_filters: String,
    pub has_exercises: bool,
    pub workshops: Vec<LinkOut>,
    /// A template context holding just this view as `site`, made once and
    /// copied for every page: cheaper than converting the view each time.
    #[serde(skip)]
    context: std::sync::OnceLock<tera::Context>,
}

/// A link whose URL is relative to the site root; templates prefix `root`.
#[derive(Serialize, Clone)]
pub struct LinkOut {
    pub title: String,
    pub path: String,
}

/// What every template receives: the site, the way to the root, and its page view.
#[derive(Serialize)]
struct Context<'a, T: Serialize> {
    site: &'a SiteView<'a>,
    /// `../` repeated: prefix for links to site-root paths.
    root: String,
    /// This page's output path.
    path: &'a str,
    page: T,
}

#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    url: Cow<'a, str>,
}

#[derive(Serialize)]
struct NavItem<'a> {
    title: &'a str,
    url: Cow<'a, str>,
    current: bool,
    chapter: bool,
}

/// The sidebar shown without JavaScript: the current chapter only, so
/// that pages stay small however large the handbook grows. The full tree
/// comes from the shared `nav.js`.
#[derive(Serialize)]
struct LocalNav<'a> {
    chapter: Link<'a>,
    items: Vec<NavItem<'a>>,
    /// Entries left out around the current page.
    more: usize,
}

#[derive(Serialize)]
struct Card<'a> {
    id: &'a str,
    title: &'a str,
    url: Cow<'a, str>,
    kind: &'static str,
    kind_label: &'static str,
    duration: u32,
    group: Option<String>,
    group_kind: Option<&'static str>,
    difficulty: Option<&'static str>,
    difficulty_label: Option<&'static str>,
    objectives: &'a [String],
    /// As written in the exercise file (slugs, for filters and links).
    competencies: &'a [String],
    /// The same, as a reader sees them ("Active listening").
    competency_labels: Vec<String>,
}

#[derive(Serialize)]
struct Child<'a> {
    title: &'a str,
    url: Cow<'a, str>,
    summary: Option<&'a str>,
    chapter: bool,
    duration: Option<u32>,
    lessons: usize,
}

#[derive(Serialize)]
struct PageView<'a> {
    kind: PageKind,
    id: &'a str,
    title: &'a str,
    summary: Option<&'a str>,
    html: Cow<'a, str>,
    toc: Vec<TocItem<'a>>,
    breadcrumbs: Vec<Link<'a>>,
    prev: Option<Link<'a>>,
    next: Option<Link<'a>>,
    nav: LocalNav<'a>,
    objectives: &'a [String],
    duration: Option<u32>,
    tags: &'a [String],
    /// Marked `draft: true`, itself or through its chapter: only in a
    /// build that includes drafts (`--drafts`, `serve`).
    draft: bool,
    exercises: Vec<Card<'a>>,
    children: Vec<Child<'a>>,
    print_url: Option<String>,
    /// On the home page: its print view holds the whole handbook (see
    /// [`WHOLE_BOOK_PRINT`]), not only the pages at the top level.
    print_whole_book: bool,
}

/// The most pages a print view of the whole handbook holds: a larger book
/// is printed chapter by chapter, as one page of that size is more than a
/// browser prints comfortably.
pub const WHOLE_BOOK_PRINT: usize = 300;

/// Whether the root's print view holds the whole handbook.
fn prints_whole_book(book: &Book) -> bool {
    book.pages.len() > 1 && book.pages.len() <= WHOLE_BOOK_PRINT
}

/// A line of "On this page": a heading of the text, or a section the
/// template adds (the lesson's exercises).
#[derive(Serialize)]
struct TocItem<'a> {
    level: u8,
    id: &'a str,
    text: &'a str,
}

impl<'a> From<&'a Heading> for TocItem<'a> {
    fn from(h: &'a Heading) -> Self {
        TocItem {
            level: h.level,
            id: &h.id,
            text: &h.text,
        }
    }
}

/// The id of the lesson template's Exercises heading.
const EXERCISES_ID: &str = "hb-exercises-title";

#[derive(Serialize)]
struct StepView<'a> {
    html: &'a str,
    minutes: Option<u32>,
}

#[derive(Serialize)]
struct QuestionView<'a> {
    number: usize,
    /// The question's text when it is one paragraph, without the `<p>`:
    /// it can then go inside the `<legend>`, which takes no paragraphs.
    inline: Option<&'a str>,
    html: &'a str,
    choices: &'a [String],
    multiple: bool,
    answer: Vec<u32>,
    /// The correct choices' text, for the facilitator edition's answer key.
    correct: Vec<&'a str>,
    explanation: Option<&'a str>,
}

#[derive(Serialize)]
struct ExerciseView<'a> {
    card: Card<'a>,
    lesson: Option<Link<'a>>,
    breadcrumbs: Vec<Link<'a>>,
    audience: Option<&'a str>,
    tags: &'a [String],
    /// The tags that are not also competencies, as a reader sees them, for
    /// the row of chips beside the competencies.
    tag_labels: Vec<String>,
    materials: &'a [String],
    preparation: Option<&'a str>,
    steps: Vec<StepView<'a>>,
    timed_minutes: u32,
    /// Facilitator edition only (left empty otherwise).
    debrief: Vec<&'a str>,
    facilitator_notes: Option<&'a str>,
    variations: Vec<&'a str>,
    questions: Vec<QuestionView<'a>>,
    /// Its lesson is a draft, in a build that includes drafts.
    draft: bool,
}

#[derive(Serialize)]
struct FilterOption {
    value: &'static str,
    label: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct CatalogueView<'a> {
    cards: Vec<CatalogueEntry<'a>>,
    kinds: Vec<FilterOption>,
    groups: Vec<FilterOption>,
    difficulties: Vec<FilterOption>,
    competencies: Vec<Competency<'a>>,
    max_duration: u32,
}

/// A competency filter option: the value as written in the exercise files,
/// and a label to show.
#[derive(Serialize)]
struct Competency<'a> {
    value: &'a str,
    label: String,
    count: usize,
}

#[derive(Serialize)]
struct CatalogueEntry<'a> {
    card: Card<'a>,
    lesson: Option<Link<'a>>,
    /// `|`-joined competencies and tags, for the filter script.
    competency_keys: String,
}

#[derive(Serialize)]
struct RowView<'a> {
    start: String,
    end: String,
    minutes: u32,
    kind: &'static str,
    title: &'a str,
    url: Option<String>,
    materials: &'a [String],
    notes: Option<&'a str>,
    facilitator_notes: Option<&'a str>,
}

#[derive(Serialize)]
struct WorkshopView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    start: String,
    end: String,
    total: String,
    /// The planned `length`, when the sessions do not fill it exactly.
    length: Option<String>,
    over: bool,
    rows: Vec<RowView<'a>>,
    /// The workshop's pack (see [`workshop_pack`]), from its page.
    pack: String,
}

#[derive(Serialize)]
struct ContentsEntry<'a> {
    title: &'a str,
    url: Cow<'a, str>,
    depth: usize,
    chapter: bool,
}

/// Every page of the site: the book's pages in reading order, then the
/// exercises (in the catalogue's order) and the workshops.
#[derive(Serialize)]
struct ContentsView<'a> {
    pages: Vec<ContentsEntry<'a>>,
    exercises: Vec<Link<'a>>,
    workshops: Vec<Link<'a>>,
}

/// A page of a print view: a lesson (its facts, and its text in `html`)
/// or, in a workshop's pack, an exercise (`exercise`: then `html` is the
/// whole article of its page, header included).
#[derive(Serialize, Default)]
struct PrintPage<'a> {
    title: &'a str,
    anchor: String,
    summary: Option<&'a str>,
    duration: Option<u32>,
    tags: &'a [String],
    draft: bool,
    objectives: &'a [String],
    html: String,
    exercise: bool,
    /// In a workshop's pack: when it runs (`09:10–09:20`, more than one
    /// time for an item run more than once).
    when: Option<String>,
}

#[derive(Serialize)]
struct PrintView<'a> {
    title: &'a str,
    back: String,
    /// A workshop's pack: the agenda (run-sheet) article, first.
    agenda: Option<String>,
    pages: Vec<PrintPage<'a>>,
}

/// Everything the render stage needs, borrowed from earlier stages.
pub struct Inputs<'a> {
    pub config: &'a Config,
    pub book: &'a Book,
    pub rendered: &'a [Arc<Rendered>],
    pub exercises: &'a [Exercise],
    /// The exercises' Markdown fields, in the same order.
    pub exercise_md: &'a [Arc<ExerciseMarkdown>],
    pub workshops: &'a [Workshop],
    /// The workshops' Markdown, in the same order.
    pub workshop_md: &'a [WorkshopMarkdown],
    pub theme: &'a Theme,
}

/// Renders template `name` for the page at `path` and hands the result to
/// `finish`, which keeps what it needs of it.
fn render_with<T: Serialize, R>(
    theme: &Theme,
    name: &str,
    site: &SiteView<'_>,
    path: &str,
    page: T,
    finish: impl FnOnce(&[u8]) -> R,
) -> Result<R, Failed> {
    let ctx = Context {
        site,
        root: root_prefix(path),
        path,
        page,
    };
    let failed = |e: tera::Error, c: Option<&tera::Context>| Failed {
        diag: theme.render_error(name, &e, c),
        page: path.to_string(),
    };
    if let Some(memo) = &theme.memo {
        // `handbook serve`: an unchanged page is not rendered again; pages
        // are kept between builds as strings.
        let html = memo.get_or_render(name, path, &ctx, || {
            let c = tera_context(&ctx).map_err(|e| failed(e, None))?;
            (theme.tera.render(name, &c)).map_err(|e| failed(e, Some(&c)))
        })?;
        return Ok(finish(html.as_bytes()));
    }
    let ctx = tera_context(&ctx).map_err(|e| failed(e, None))?;
    crate::scratch::with_buffer(|buf| {
        (theme.tera.render_to(name, &ctx, &mut *buf)).map(|()| finish(buf))
    })
    .map_err(|e| failed(e, Some(&ctx)))
}

/// A template that failed on a page.
struct Failed {
    diag: Diagnostic,
    /// The output path of the page.
    page: String,
}

/// One diagnostic per template problem, however many pages it broke: the
/// first page is named, and how many more there are.
fn report(failures: Vec<Failed>) -> Vec<Diagnostic> {
    let mut pages: Vec<(Diagnostic, String, usize)> = Vec::new();
    let mut index: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for f in failures {
        let key = (f.diag.location(), f.diag.message.clone());
        match index.get(&key) {
            Some(&i) => pages[i].2 += 1,
            None => {
                index.insert(key, pages.len());
                pages.push((f.diag, f.page, 0));
            }
        }
    }
    (pages.into_iter())
        .map(|(mut d, page, more)| {
            d.message = match more {
                0 => format!("{} (rendering `{page}`)", d.message),
                1 => format!("{} (rendering `{page}` and 1 more page)", d.message),
                n => format!("{} (rendering `{page}` and {n} more pages)", d.message),
            };
            d
        })
        .collect()
}

/// The Tera form of `ctx`: what `tera::Context::from_serialize` makes of it,
/// with the site part copied from the one made for the whole build.
fn tera_context<T: Serialize>(ctx: &Context<'_, T>) -> tera::Result<tera::Context> {
    let shared = match ctx.site.context.get() {
        Some(c) => c,
        None => {
            let mut c = tera::Context::new();
            c.try_insert("site", ctx.site)?;
            ctx.site.context.get_or_init(|| c)
        }
    };
    let mut c = shared.clone();
    c.try_insert("root", &ctx.root)?;
    c.try_insert("path", ctx.path)?;
    c.try_insert("page", &ctx.page)?;
    Ok(c)
}

/// Renders template `name` into the output file `out`.
fn render_file<T: Serialize>(
    theme: &Theme,
    name: &str,
    site: &SiteView<'_>,
    out: String,
    page: T,
) -> Result<OutputFile, Failed> {
    let bytes = render_with(theme, name, site, &out, page, |b| Arc::<[u8]>::from(b))?;
    Ok(OutputFile { path: out, bytes })
}

/// The header's search filters, rendered once for every page (see
/// [`crate::theme::SEARCH_FILTERS`]). The macro sees `site` (and its
/// `id`), as on a page; what differs from page to page is not there.
pub fn search_filters(theme: &Theme, site: &SiteView<'_>) -> Result<String, Vec<Diagnostic>> {
    let name = crate::theme::SEARCH_FILTERS;
    let mut ctx = tera::Context::new();
    let rendered = (ctx.try_insert("site", site)).and_then(|()| theme.tera.render(name, &ctx));
    rendered.map_err(|e| {
        let mut d = theme.macro_render_error(name, "search_filters", &e, Some(&ctx));
        d.message = format!("{} (rendering the search filters of every page)", d.message);
        vec![d]
    })
}

pub fn site_view<'a>(
    config: &'a Config,
    exercises: &[Exercise],
    workshops: &[Workshop],
    logo: Option<String>,
    extra_css: Vec<String>,
) -> SiteView<'a> {
    let b = &config.book;
    let shown = |s: &'a str| match b.markdown.smart_punctuation {
        true => crate::smart::text(s),
        false => Cow::Borrowed(s),
    };
    SiteView {
        title: shown(&b.title),
        description: shown(&b.description),
        organisation: shown(&b.organisation),
        language: b.language.get_ref(),
        accent: b
            .branding
            .accent_color
            .as_ref()
            .map(|c| c.get_ref().as_str()),
        logo,
        extra_css,
        base_url: b.base_url.as_ref().map(|u| u.get_ref()).map(|u| {
            if u.ends_with('/') {
                u.clone()
            } else {
                format!("{u}/")
            }
        }),
        edition: config.edition.name(),
        facilitator: config.edition.is_facilitator(),
        search: b.search.enabled,
        // Filled in by the render stage, once the theme is known.
        search_filters: String::new(),
        has_exercises: !exercises.is_empty(),
        workshops: workshops
            .iter()
            .map(|w| LinkOut {
                title: w.data.title.clone(),
                path: w.out.clone(),
            })
            .collect(),
        context: std::sync::OnceLock::new(),
    }
}

fn card<'a>(e: &'a Exercise, from: &str) -> Card<'a> {
    let d = &e.data;
    Card {
        id: &d.id,
        title: &d.title,
        url: relative_url(from, &e.out),
        kind: d.kind.slug(),
        kind_label: d.kind.label(),
        duration: d.duration,
        group: d.group.as_ref().map(|g| g.describe()),
        group_kind: d.group.as_ref().map(|g| g.kind().slug()),
        difficulty: d.difficulty.map(Difficulty::slug),
        difficulty_label: d.difficulty.map(Difficulty::label),
        objectives: &d.objectives,
        competencies: &d.competencies,
        competency_labels: d.competencies.iter().map(|c| competency_label(c)).collect(),
    }
}

fn link<'a>(book: &'a Book, from: &str, page: usize) -> Link<'a> {
    Link {
        title: book.pages[page].title(),
        url: relative_url(from, &book.pages[page].out),
    }
}

const NAV_WINDOW: usize = 25;

fn local_nav<'a>(book: &'a Book, page: usize) -> LocalNav<'a> {
    let p = &book.pages[page];
    let sec = &book.sections[p.section];
    let from = &p.out;
    // Keep pages bounded: only a window of the chapter around the current entry.
    let total = sec.children.len();
    let pos = sec
        .children
        .iter()
        .position(|n| *n == Node::Page(page))
        .unwrap_or(0);
    let start = pos.saturating_sub(NAV_WINDOW);
    let end = (pos + NAV_WINDOW + 1).min(total);
    let items: Vec<NavItem<'a>> = sec.children[start..end]
        .iter()
        .map(|n| {
            let (idx, chapter) = match *n {
                Node::Page(i) => (i, false),
                Node::Section(s) => (book.sections[s].index, true),
            };
            NavItem {
                title: book.pages[idx].title(),
                url: relative_url(from, &book.pages[idx].out),
                current: idx == page,
                chapter,
            }
        })
        .collect();
    LocalNav {
        chapter: link(book, from, sec.index),
        items,
        more: total - (end - start),
    }
}

fn breadcrumbs<'a>(book: &'a Book, from: &str, page: usize) -> Vec<Link<'a>> {
    let mut crumbs = vec![Link {
        title: book.pages[0].title(),
        url: relative_url(from, "index.html"),
    }];
    crumbs.extend(
        book.ancestors(page)
            .into_iter()
            .map(|a| link(book, from, a)),
    );
    crumbs
}

/// Replaces `{{ exercise: id }}` markers with the exercise's card.
fn place_exercises<'a>(
    inp: &Inputs<'_>,
    site: &SiteView<'_>,
    html: &'a str,
    from: &str,
) -> Result<Cow<'a, str>, Failed> {
    const MARK: &str = "<!--hb:exercise:";
    let find = |s: &str| memchr::memmem::find(s.as_bytes(), MARK.as_bytes());
    if find(html).is_none() {
        return Ok(Cow::Borrowed(html));
    }
    let mut out = String::with_capacity(html.len() + 1024);
    let mut rest = html;
    while let Some(i) = find(rest) {
        out.push_str(&rest[..i]);
        let after = &rest[i + MARK.len()..];
        let end = after.find("-->").unwrap_or(after.len());
        let id = &after[..end];
        if let Some(e) = crate::exercise::find(inp.exercises, id).map(|i| &inp.exercises[i]) {
            // Tera writes text, so the bytes are UTF-8 (and borrowed here).
            render_with(
                inp.theme,
                "exercise-card.html",
                site,
                from,
                card(e, from),
                |b| out.push_str(&String::from_utf8_lossy(b)),
            )?;
        }
        rest = &after[(end + 3).min(after.len())..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

fn page_view<'a>(
    inp: &Inputs<'a>,
    site: &SiteView<'_>,
    i: usize,
    own_exercises: &[usize],
) -> Result<PageView<'a>, Failed> {
    let book = inp.book;
    let p = &book.pages[i];
    let from = p.out.as_str();
    let r = &inp.rendered[i];
    let front = &p.parsed.front;
    let children = if p.kind == PageKind::Lesson {
        Vec::new()
    } else {
        book.sections[p.section]
            .children
            .iter()
            .map(|n| match *n {
                Node::Page(c) => Child {
                    title: book.pages[c].title(),
                    url: relative_url(from, &book.pages[c].out),
                    summary: book.pages[c].parsed.front.summary.as_deref(),
                    chapter: false,
                    duration: book.pages[c].parsed.front.duration,
                    lessons: 0,
                },
                Node::Section(s) => {
                    let idx = book.sections[s].index;
                    Child {
                        title: book.pages[idx].title(),
                        url: relative_url(from, &book.pages[idx].out),
                        summary: book.pages[idx].parsed.front.summary.as_deref(),
                        chapter: true,
                        duration: None,
                        lessons: book.sections[s].children.len(),
                    }
                }
            })
            .collect()
    };
    let has_lessons = book.sections[p.section]
        .children
        .iter()
        .any(|n| matches!(n, Node::Page(_)));
    // The lesson's exercises that its text does not already show as a card.
    let exercises: Vec<Card<'_>> = own_exercises
        .iter()
        .map(|&e| &inp.exercises[e])
        .filter(|e| !r.exercises.iter().any(|placed| placed.id == e.data.id))
        .map(|e| card(e, from))
        .collect();
    let mut toc: Vec<TocItem<'_>> = (r.headings.iter())
        .filter(|h| (2..=3).contains(&h.level))
        .map(TocItem::from)
        .collect();
    if !exercises.is_empty() {
        toc.push(TocItem {
            level: 2,
            id: EXERCISES_ID,
            text: "Exercises",
        });
    }
    Ok(PageView {
        kind: p.kind,
        id: &p.id,
        title: p.title(),
        summary: front.summary.as_deref(),
        html: place_exercises(inp, site, &r.html, from)?,
        toc,
        breadcrumbs: if p.kind == PageKind::Home {
            Vec::new()
        } else {
            breadcrumbs(book, from, i)
        },
        prev: p.prev.map(|j| link(book, from, j)),
        next: p.next.map(|j| link(book, from, j)),
        nav: local_nav(book, i),
        objectives: &front.objectives,
        duration: front.duration,
        tags: &front.tags,
        draft: is_draft(book, i),
        exercises,
        children,
        print_url: (p.kind != PageKind::Lesson
            && (has_lessons || (p.kind == PageKind::Home && prints_whole_book(book))))
        .then(|| relative_url(from, &print_path(book, p.section)).into_owned()),
        print_whole_book: p.kind == PageKind::Home && prints_whole_book(book),
    })
}

fn print_path(book: &Book, section: usize) -> String {
    let id = &book.sections[section].id;
    if id.is_empty() {
        "print.html".into()
    } else {
        format!("{id}/print.html")
    }
}

/// Renders every page, exercise page, the catalogue, workshops and the
/// helper pages. Pages render in parallel; the templates are compiled once.
pub fn render_all(
    inp: &Inputs<'_>,
    site: &SiteView<'_>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let book = inp.book;
    let by_lesson = crate::exercise::by_lesson(inp.exercises, book.pages.len());
    let pages: Vec<Result<OutputFile, Failed>> = (0..book.pages.len())
        .into_par_iter()
        .map(|i| {
            let p = &book.pages[i];
            let template = match p.kind {
                PageKind::Home => "home.html",
                PageKind::Chapter => "chapter.html",
                PageKind::Lesson => "lesson.html",
            };
            let view = page_view(inp, site, i, &by_lesson[i])?;
            let file = render_file(inp.theme, template, site, p.out.clone(), view)?;
            progress(1);
            Ok(file)
        })
        .collect();
    let exercise_pages: Vec<Result<OutputFile, Failed>> = (inp.exercises.par_iter())
        .zip(inp.exercise_md)
        .map(|(e, md)| exercise_page(inp, site, e, md))
        .collect();
    // The site-wide pages: few, but some large (the catalogue, the print
    // pages of big chapters), so they are rendered in parallel too.
    enum Extra {
        Catalogue,
        Workshop(usize),
        Contents(&'static str),
        NotFound,
        Print(usize),
    }
    let mut extras = Vec::new();
    if !inp.exercises.is_empty() {
        extras.push(Extra::Catalogue);
    }
    extras.extend((0..inp.workshops.len()).map(Extra::Workshop));
    extras.push(Extra::Contents("contents.html"));
    extras.push(Extra::Contents("search.html"));
    extras.push(Extra::NotFound);
    extras.extend(
        (0..book.sections.len())
            .filter(|&s| {
                (s == 0 && prints_whole_book(book))
                    || (book.sections[s].children.iter()).any(|n| matches!(n, Node::Page(_)))
            })
            .map(Extra::Print),
    );
    let extra_pages: Vec<Result<OutputFile, Failed>> = (extras.into_par_iter())
        .flat_map_iter(|x| match x {
            Extra::Catalogue => vec![catalogue(inp, site)],
            Extra::Workshop(w) => {
                let (w, md) = (&inp.workshops[w], &inp.workshop_md[w]);
                let page = workshop_page(inp, site, w, md);
                let pack = workshop_pack(inp, site, w, md, &exercise_pages);
                vec![page, pack]
            }
            Extra::Contents(name) => vec![contents_page(inp, site, name, name)],
            Extra::NotFound => vec![render_file(
                inp.theme,
                "404.html",
                site,
                "404.html".into(),
                (),
            )],
            Extra::Print(s) => vec![print_page(inp, site, s)],
        })
        .collect();
    let produced = pages.into_iter().chain(exercise_pages).chain(extra_pages);
    let mut files = Vec::with_capacity(book.pages.len() + inp.exercises.len());
    let mut errors = Vec::new();
    for r in produced {
        match r {
            Ok(f) => files.push(f),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(report(errors))
    }
}

fn exercise_page<'a>(
    inp: &Inputs<'a>,
    site: &SiteView<'_>,
    e: &'a Exercise,
    md: &'a ExerciseMarkdown,
) -> Result<OutputFile, Failed> {
    let d = &e.data;
    let from = e.out.as_str();
    let facilitator = inp.config.edition == Edition::Facilitator;
    let html = |f: &'a FieldMarkdown| f.html.as_str();
    let steps = d
        .steps
        .iter()
        .zip(&md.steps)
        .map(|(s, f)| StepView {
            html: html(f),
            minutes: if facilitator { s.minutes() } else { None },
        })
        .collect();
    let preparation = md.preparation.as_ref().map(html);
    let facilitator_notes = md.facilitator_notes.as_ref().map(html);
    let variations = md.variations.iter().map(html).collect();
    let questions = d
        .questions
        .iter()
        .zip(&md.questions)
        .enumerate()
        .map(|(i, (q, f))| QuestionView {
            number: i + 1,
            inline: single_paragraph(html(f)),
            html: html(f),
            choices: &q.choices,
            multiple: q.answer.is_multiple(),
            answer: q.answer.indexes(),
            // Answers count choices from 1 (validated to be in range).
            correct: (q.answer.indexes().iter())
                .filter_map(|&n| q.choices.get((n as usize).checked_sub(1)?))
                .map(String::as_str)
                .collect(),
            explanation: q.explanation.as_deref(),
        })
        .collect();
    let card = card(e, from);
    let tag_labels = extra_tags(&d.tags, &card.competency_labels);
    let view = ExerciseView {
        card,
        lesson: e.lesson.map(|l| link(inp.book, from, l)),
        breadcrumbs: match e.lesson {
            Some(l) => {
                let mut b = breadcrumbs(inp.book, from, l);
                b.push(link(inp.book, from, l));
                b
            }
            None => Vec::new(),
        },
        audience: d.audience.as_deref(),
        tags: &d.tags,
        tag_labels,
        materials: &d.materials,
        preparation,
        steps,
        timed_minutes: if facilitator { d.timed_minutes() } else { 0 },
        debrief: if facilitator {
            d.debrief.iter().map(String::as_str).collect()
        } else {
            Vec::new()
        },
        facilitator_notes,
        variations,
        questions,
        draft: e.lesson.is_some_and(|l| is_draft(inp.book, l)),
    };
    render_file(inp.theme, "exercise.html", site, e.out.clone(), view)
}

fn catalogue(inp: &Inputs<'_>, site: &SiteView<'_>) -> Result<OutputFile, Failed> {
    let from = "exercises/index.html";
    let ex = inp.exercises;
    let count = |f: &dyn Fn(&Exercise) -> bool| ex.iter().filter(|e| f(e)).count();
    let kinds = Kind::ALL
        .iter()
        .map(|k| FilterOption {
            value: k.slug(),
            label: k.label(),
            count: count(&|e| e.data.kind == *k),
        })
        .filter(|o| o.count > 0)
        .collect();
    let groups = GroupType::ALL
        .iter()
        .map(|g| FilterOption {
            value: g.slug(),
            label: g.label(),
            count: count(&|e| e.data.group.as_ref().map(|x| x.kind()) == Some(*g)),
        })
        .filter(|o| o.count > 0)
        .collect();
    let difficulties = Difficulty::ALL
        .iter()
        .map(|d| FilterOption {
            value: d.slug(),
            label: d.label(),
            count: count(&|e| e.data.difficulty == Some(*d)),
        })
        .filter(|o| o.count > 0)
        .collect();
    let mut comp: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for e in ex {
        for c in &e.data.competencies {
            *comp.entry(c).or_default() += 1;
        }
    }
    let cards = (crate::exercise::in_reading_order(ex, inp.book.pages.len()).into_iter())
        .map(|i| &ex[i])
        .map(|e| CatalogueEntry {
            card: card(e, from),
            lesson: e.lesson.map(|l| link(inp.book, from, l)),
            competency_keys: e.data.competencies.join("|"),
        })
        .collect();
    let view = CatalogueView {
        cards,
        kinds,
        groups,
        difficulties,
        competencies: (comp.into_iter())
            .map(|(value, count)| Competency {
                value,
                label: competency_label(value),
                count,
            })
            .collect(),
        max_duration: ex.iter().map(|e| e.data.duration).max().unwrap_or(0),
    };
    render_file(inp.theme, "catalogue.html", site, from.into(), view)
}

/// The inside of HTML that is one paragraph and nothing else.
fn single_paragraph(html: &str) -> Option<&str> {
    let inner = html.trim().strip_prefix("<p>")?.strip_suffix("</p>")?;
    (!inner.contains("<p>") && !inner.contains("</p>")).then_some(inner)
}

/// Tags to show beside the competencies: each once, as a reader sees it,
/// and none that repeats a competency (`alignment` as both reads
/// "Alignment … alignment").
fn extra_tags(tags: &[String], competency_labels: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = competency_labels.iter().map(|c| c.to_lowercase()).collect();
    let mut out = Vec::new();
    for t in tags {
        let label = competency_label(t);
        if !seen.contains(&label.to_lowercase()) {
            seen.push(label.to_lowercase());
            out.push(label);
        }
    }
    out
}

/// A competency as a reader sees it: a slug such as `active-listening`
/// reads "Active listening" (and `self-awareness` "Self-awareness": English
/// writes self- compounds with their hyphen); anything else is shown as
/// written.
fn competency_label(c: &str) -> String {
    let slug = c
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !slug {
        return c.to_string();
    }
    let mut out = String::with_capacity(c.len());
    let mut prev = None;
    for word in c.split('-') {
        if let Some(p) = prev {
            out.push(if p == "self" { '-' } else { ' ' });
        }
        out.push_str(word);
        prev = Some(word);
    }
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

fn workshop_page<'a>(
    inp: &Inputs<'a>,
    site: &SiteView<'_>,
    w: &'a Workshop,
    md: &'a WorkshopMarkdown,
) -> Result<OutputFile, Failed> {
    let view = workshop_view(inp, w, md, &w.out, true);
    render_file(inp.theme, "workshop.html", site, w.out.clone(), view)
}

/// A workshop's agenda as shown at `from`: on its page, or at the top of
/// its pack, which leaves out the exercises' own notes (`exercise_notes`
/// false), as the pack prints each exercise in full after it.
fn workshop_view<'a>(
    inp: &Inputs<'a>,
    w: &'a Workshop,
    md: &'a WorkshopMarkdown,
    from: &str,
    exercise_notes: bool,
) -> WorkshopView<'a> {
    let mut rows = Vec::new();
    for (s, (notes, ex_notes)) in w.slots.iter().zip(&md.slots) {
        // What the row is, and the page it links to.
        let (kind, page, materials): (&str, Option<&str>, &[String]) = match &s.what {
            SlotWhat::Lesson(p) => ("lesson", Some(&inp.book.pages[*p].out), &[]),
            SlotWhat::Exercise(e) => {
                let e = &inp.exercises[*e];
                ("exercise", Some(&e.out), &e.data.materials)
            }
            SlotWhat::Break(_) => ("break", None, &[]),
            SlotWhat::Activity(_) => ("activity", None, &[]),
        };
        let title = s.title(inp.book, inp.exercises);
        rows.push(RowView {
            start: format_time(s.start),
            end: format_time(s.end()),
            minutes: s.minutes,
            kind,
            title,
            url: page.map(|to| relative_url(from, to).into_owned()),
            materials,
            notes: notes.as_ref().map(|n| n.html.as_str()),
            facilitator_notes: ex_notes.as_deref().filter(|_| exercise_notes),
        });
    }
    let total = w.total();
    WorkshopView {
        title: &w.data.title,
        description: md.description.as_ref().map(|d| d.html.as_str()),
        start: format_time(w.start()),
        end: format_time(w.start() + total),
        total: format_duration(total),
        length: (w.data.length.filter(|&l| l != total)).map(format_duration),
        over: w.data.length.is_some_and(|l| total > l),
        rows,
        pack: relative_url(from, &pack_path(&w.out)).into_owned(),
    }
}

fn contents_page(
    inp: &Inputs<'_>,
    site: &SiteView<'_>,
    template: &str,
    out: &str,
) -> Result<OutputFile, Failed> {
    let book = inp.book;
    let entries: Vec<ContentsEntry<'_>> = book
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| ContentsEntry {
            title: p.title(),
            url: relative_url(out, &p.out),
            depth: book.ancestors(i).len() + usize::from(p.kind == PageKind::Lesson),
            chapter: p.kind != PageKind::Lesson,
        })
        .collect();
    let view = ContentsView {
        pages: entries,
        exercises: (crate::exercise::in_reading_order(inp.exercises, book.pages.len()).into_iter())
            .map(|e| Link {
                title: &inp.exercises[e].data.title,
                url: relative_url(out, &inp.exercises[e].out),
            })
            .collect(),
        workshops: (inp.workshops.iter())
            .map(|w| Link {
                title: &w.data.title,
                url: relative_url(out, &w.out),
            })
            .collect(),
    };
    render_file(inp.theme, template, site, out.into(), view)
}

fn print_page(inp: &Inputs<'_>, site: &SiteView<'_>, s: usize) -> Result<OutputFile, Failed> {
    let book = inp.book;
    let sec = &book.sections[s];
    let out = print_path(book, s);
    // The whole handbook in reading order, or a chapter's own pages.
    let order: Vec<usize> = if s == 0 && prints_whole_book(book) {
        std::iter::successors(Some(sec.index), |&i| book.pages[i].next).collect()
    } else {
        std::iter::once(sec.index)
            .chain(sec.children.iter().filter_map(|n| match *n {
                Node::Page(i) => Some(i),
                Node::Section(_) => None,
            }))
            .collect()
    };
    let pages = (order.into_iter())
        .map(|i| print_lesson(inp, site, i, &out))
        .collect::<Result<_, Failed>>()?;
    let view = PrintView {
        title: book.pages[sec.index].title(),
        back: relative_url(&out, &book.pages[sec.index].out).into_owned(),
        agenda: None,
        pages,
    };
    render_file(inp.theme, "print.html", site, out, view)
}

/// Page `i` as a print view at `out` shows it: its text's links made
/// to work from there, its exercise cards placed, its ids kept apart
/// from the other pages'.
fn print_lesson<'a>(
    inp: &Inputs<'a>,
    site: &SiteView<'_>,
    i: usize,
    out: &str,
) -> Result<PrintPage<'a>, Failed> {
    let p = &inp.book.pages[i];
    let front = &p.parsed.front;
    let anchor = format!("hb-page-{i}");
    let html = rebase_urls(&inp.rendered[i].html, &folder_of(out, &p.out));
    let html = place_exercises(inp, site, &html, out)?;
    Ok(PrintPage {
        title: p.title(),
        summary: front.summary.as_deref(),
        duration: front.duration,
        tags: &front.tags,
        draft: is_draft(inp.book, i),
        objectives: &front.objectives,
        html: scope_ids(&html, &anchor),
        anchor,
        exercise: false,
        when: None,
    })
}

/// The way from the folder of `from` to the folder of `to` (`""`, `../x/`):
/// what the relative links of a page at `to` start with when its HTML is
/// shown at `from`.
fn folder_of<'u>(from: &str, to: &'u str) -> Cow<'u, str> {
    match relative_url(from, to) {
        Cow::Borrowed(u) => Cow::Borrowed(u.rfind('/').map_or("", |k| &u[..=k])),
        Cow::Owned(mut u) => {
            u.truncate(u.rfind('/').map_or(0, |k| k + 1));
            Cow::Owned(u)
        }
    }
}

/// Where a workshop's pack is printed from: `workshops/<id>/print.html`.
fn pack_path(workshop_out: &str) -> String {
    let stem = workshop_out.strip_suffix(".html").unwrap_or(workshop_out);
    format!("{stem}/print.html")
}

/// A workshop's pack: its agenda, then each lesson and exercise it runs, in
/// full and in the order it runs them (each once, with the times it runs),
/// to print and run the workshop from. The agenda is the workshop page's
/// article (without the exercises' notes, which follow in full) and each
/// exercise is cut from its rendered page (`exercise_pages`), so a theme's
/// own `workshop.html` or `exercise.html` shows here too.
fn workshop_pack<'a>(
    inp: &Inputs<'a>,
    site: &SiteView<'_>,
    w: &'a Workshop,
    md: &'a WorkshopMarkdown,
    exercise_pages: &[Result<OutputFile, Failed>],
) -> Result<OutputFile, Failed> {
    let out = pack_path(&w.out);
    let shown_here = |html: &str, from: &str, anchor: &str| -> Option<String> {
        let article = article_of(html)?;
        Some(scope_ids(
            &rebase_urls(article, &folder_of(&out, from)),
            anchor,
        ))
    };
    // The pages shown, the output path of each, and when each runs.
    let (mut pages, mut held): (Vec<PrintPage>, Vec<&str>) = (Vec::new(), Vec::new());
    for slot in &w.slots {
        let to = match slot.what {
            SlotWhat::Lesson(i) => &inp.book.pages[i].out,
            SlotWhat::Exercise(e) => &inp.exercises[e].out,
            SlotWhat::Break(_) | SlotWhat::Activity(_) => continue,
        };
        let when = format!("{}–{}", format_time(slot.start), format_time(slot.end()));
        if let Some(k) = held.iter().position(|h| h == to) {
            let page: &mut PrintPage = &mut pages[k];
            page.when = Some(format!("{}, {when}", page.when.take().unwrap_or_default()));
            continue;
        }
        let page = match slot.what {
            SlotWhat::Lesson(i) => print_lesson(inp, site, i, &out)?,
            SlotWhat::Exercise(e) => {
                let anchor = format!("hb-exercise-{e}");
                let Some(Ok(page)) = exercise_pages.get(e) else {
                    continue;
                };
                let html = std::str::from_utf8(&page.bytes).unwrap_or_default();
                let Some(html) = shown_here(html, &page.path, &anchor) else {
                    continue;
                };
                PrintPage {
                    title: &inp.exercises[e].data.title,
                    anchor,
                    html,
                    exercise: true,
                    ..PrintPage::default()
                }
            }
            SlotWhat::Break(_) | SlotWhat::Activity(_) => continue,
        };
        held.push(to);
        pages.push(PrintPage {
            when: Some(when),
            ..page
        });
    }
    // Links to what the pack holds lead to it there, not to its page: to
    // the page (` href="x.html"`) or into it (` href="x.html#h"`, whose id
    // here has the page's prefix). Templates write a URL as it is;
    // Markdown writes it percent-encoded.
    let mut targets: Vec<(String, String)> = Vec::new();
    for (p, to) in pages.iter().zip(&held) {
        let url = relative_url(&out, to);
        let mut encoded = String::new();
        // Writing to a `String` cannot fail.
        let _ = pulldown_cmark_escape::escape_href(&mut encoded, &url);
        let mut forms = vec![url.into_owned()];
        if encoded != forms[0] {
            forms.push(encoded);
        }
        for form in forms {
            targets.push((
                format!(" href=\"{form}\""),
                format!(" href=\"#{}\"", p.anchor),
            ));
            targets.push((
                format!(" href=\"{form}#"),
                format!(" href=\"#{}-", p.anchor),
            ));
        }
    }
    let within = |mut html: String| {
        for (href, local) in &targets {
            if memchr::memmem::find(html.as_bytes(), href.as_bytes()).is_some() {
                html = html.replace(href.as_str(), local);
            }
        }
        html
    };
    let agenda = render_with(
        inp.theme,
        "workshop.html",
        site,
        &out,
        workshop_view(inp, w, md, &out, false),
        |b| shown_here(&String::from_utf8_lossy(b), &out, "hb-agenda"),
    )?
    .map(within);
    for p in &mut pages {
        p.html = within(std::mem::take(&mut p.html));
    }
    let view = PrintView {
        title: &w.data.title,
        back: relative_url(&out, &w.out).into_owned(),
        agenda,
        pages,
    };
    render_file(inp.theme, "pack.html", site, out, view)
}

/// What a pack shows of a rendered page: the first `<article>` in its
/// `<main>`, to the `</article>` that closes it, or, for a theme whose
/// page has no article there, all of `<main>`'s content. Only the
/// generator's own markup has tags (text is escaped).
fn article_of(html: &str) -> Option<&str> {
    let main = html.find("<main")?;
    let end = main + html[main..].find("</main>")?;
    let inner = main + html[main..end].find('>')? + 1;
    let Some(start) = html[inner..end].find("<article").map(|k| inner + k) else {
        return Some(&html[inner..end]);
    };
    let (mut depth, mut at) = (0usize, start);
    while let Some(close) = html[at..end].find("</article>") {
        match html[at..at + close].find("<article") {
            Some(open) => {
                depth += 1;
                at += open + "<article".len();
            }
            None => {
                depth -= 1;
                at += close + "</article>".len();
                if depth == 0 {
                    return Some(&html[start..at]);
                }
            }
        }
    }
    Some(&html[start..end])
}

/// Whether page `i` is a draft: marked `draft: true` itself or in the
/// `index.md` of a chapter above it. Only a build with drafts has any.
fn is_draft(book: &Book, i: usize) -> bool {
    let marked = |p: usize| book.pages[p].parsed.front.draft;
    marked(i) || book.ancestors(i).into_iter().any(marked)
}

/// `html` with each relative `href` and `src` made to start from
/// `folder` (`chapter/`, `../other/`), for a page shown in another folder
/// than its own. Anchors, absolute URLs and those with a scheme are kept.
/// Only the generator's own markup has `="` (text is escaped), so each is
/// looked at once, in one pass over the page.
fn rebase_urls<'h>(html: &'h str, folder: &str) -> Cow<'h, str> {
    if folder.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut done = 0;
    for k in attribute_values(html) {
        let before = &html[..k];
        if k < done || !(before.ends_with(" href") || before.ends_with(" src")) {
            continue;
        }
        let start = k + 2;
        let end = html[start..].find('"').map_or(html.len(), |e| start + e);
        let url = &html[start..end];
        out.push_str(&html[done..start]);
        let relative = !(url.is_empty()
            || url.starts_with(['#', '/', '?'])
            || crate::model::looks_like_scheme(url));
        if relative {
            out.push_str(&join_url(folder, url));
        } else {
            out.push_str(url);
        }
        done = end;
    }
    out.push_str(&html[done..]);
    Cow::Owned(out)
}

/// Where each `="` of `html` is: the start of an attribute's value (only
/// the generator's own markup has them; text is escaped). Found with
/// `memchr`'s vectorised search: with the standard library's substring
/// search, finding these and the exercise markers took about 5% of a
/// 10,000-lesson build's CPU time.
fn attribute_values(html: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memmem::find_iter(html.as_bytes(), b"=\"")
}

/// `folder` (ending in `/`) and a relative `url` as one URL, each `..`
/// taking away a folder where there is one to take. A result that would
/// read as a scheme (`javascript:x.png`) starts with `./`.
fn join_url(folder: &str, url: &str) -> String {
    let split = url.find(['?', '#']).unwrap_or(url.len());
    let (path, tail) = url.split_at(split);
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let mut joined = parts.join("/");
    if joined.is_empty() || crate::model::looks_like_scheme(&joined) {
        joined.insert_str(0, "./");
    }
    joined.push_str(tail);
    joined
}

/// One page's HTML for a print view that holds several pages: its ids,
/// and the links and labels that refer to them within the page, get the
/// page's prefix, so that two lessons with a heading of the same name stay
/// apart. Only the generator's own markup has `id="`, `href="#` or
/// `aria-labelledby="` (text is escaped).
fn scope_ids(html: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 32);
    let mut done = 0;
    for k in attribute_values(html) {
        let before = &html[..k];
        let value = k + 2;
        let at = if before.ends_with(" id") || before.ends_with(" aria-labelledby") {
            value
        } else if before.ends_with(" href") && html[value..].starts_with('#') {
            value + 1
        } else {
            continue;
        };
        out.push_str(&html[done..at]);
        out.push_str(prefix);
        out.push('-');
        done = at;
    }
    out.push_str(&html[done..]);
    out
}

/// `nav.js`: the whole table of contents, shared by every page as one
/// classic script (works from `file://`), instead of copied into each page.
pub fn nav_script(book: &Book) -> OutputFile {
    fn node(book: &Book, page: usize, out: &mut String) {
        let p = &book.pages[page];
        out.push('[');
        out.push_str(&js_json(p.title()));
        out.push(',');
        out.push_str(&js_json(&p.out));
        if p.kind == PageKind::Chapter || p.kind == PageKind::Home {
            out.push_str(",[");
            let children = &book.sections[p.section].children;
            for (k, n) in children.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                match *n {
                    Node::Page(i) => node(book, i, out),
                    Node::Section(c) => node(book, book.sections[c].index, out),
                }
            }
            out.push(']');
        }
        out.push(']');
    }
    let mut s = String::from("window.__hbNav=");
    if !book.pages.is_empty() {
        node(book, 0, &mut s);
    } else {
        s.push_str("null");
    }
    s.push_str(";\n");
    OutputFile::new("nav.js".into(), s.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_what_refers_to_them_are_scoped() {
        let html = r##"<h2 id="a">A</h2><section aria-labelledby="a"><a href="#a">x</a> <a href="b.html#a">y</a> <p data-id="k" title="id=">"##;
        assert_eq!(
            scope_ids(html, "p1"),
            r##"<h2 id="p1-a">A</h2><section aria-labelledby="p1-a"><a href="#p1-a">x</a> <a href="b.html#a">y</a> <p data-id="k" title="id=">"##
        );
    }

    #[test]
    fn urls_are_rebased_onto_another_folder() {
        let cases = [
            ("x.html", "one/", "one/x.html"),
            ("../two/y.html#h", "one/", "two/y.html#h"),
            ("../../_theme/a.png", "a/b/", "_theme/a.png"),
            ("../up.html", "", "../up.html"),
            ("../../up.html", "a/", "../up.html"),
            ("./z.html?q=1", "a/", "a/z.html?q=1"),
            ("../javascript:x.png", "a/", "./javascript:x.png"),
            ("../", "a/", "./"),
        ];
        for (url, folder, want) in cases {
            assert_eq!(join_url(folder, url), want, "{url} from {folder}");
        }
        let html = r##"<a href="b.html">B</a> <a href="#h">h</a> <img src="img/p.png" alt=""> <a href="https://x.org/a">x</a> <a href="mailto:a@b.c">m</a>"##;
        assert_eq!(
            rebase_urls(html, "one/"),
            r##"<a href="one/b.html">B</a> <a href="#h">h</a> <img src="one/img/p.png" alt=""> <a href="https://x.org/a">x</a> <a href="mailto:a@b.c">m</a>"##
        );
        assert!(matches!(rebase_urls(html, ""), Cow::Borrowed(_)));
    }
}
