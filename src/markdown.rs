//! Stage 5: one pulldown-cmark parse per Markdown text. The same event
//! stream yields the page HTML, the heading list (for ids and the on-page
//! contents), the plain text per section (for search) and the links and
//! exercise placements that the validate stage checks.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

use crate::config::{Edition, MarkdownOptions};
use crate::diag::{did_you_mean, Diagnostic, Source};
use crate::discover::TextFile;
use crate::exercise::{Exercise, Step};
use crate::model::{relative_url, Book};
use crate::workshop::{SlotWhat, Workshop};
use crate::yaml::Locator;

/// A heading of a page, with its unique id.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Plain text, shown escaped in the on-page contents.
    pub text: String,
}

/// The plain text under one heading (or before the first one), for search.
#[derive(Debug, Clone, Default)]
pub struct TextSection {
    /// Index into the headings; `None` for the text before the first heading.
    pub heading: Option<usize>,
    /// Where its text is in [`Rendered::search_text`], trimmed.
    pub range: Range<usize>,
}

/// A link to another page's anchor, checked once every page is parsed.
#[derive(Debug, Clone)]
pub struct AnchorLink {
    /// Target page index in the book.
    pub page: usize,
    pub anchor: String,
    /// Byte range of the link in the source file.
    pub range: Range<usize>,
}

/// A `{{ exercise: id }}` placement.
#[derive(Debug, Clone)]
pub struct ExercisePlacement {
    pub id: String,
    pub range: Range<usize>,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// The plain text of every section, one after another (one string per
    /// page: later stages read it in order, and it is allocated once).
    pub search_text: String,
    pub sections: Vec<TextSection>,
    pub anchor_links: Vec<AnchorLink>,
    pub exercises: Vec<ExercisePlacement>,
    pub diags: Vec<Diagnostic>,
}

impl Rendered {
    /// A section's plain text.
    pub fn section_text(&self, s: &TextSection) -> &str {
        &self.search_text[s.range.clone()]
    }
}

/// Where a Markdown text comes from and where its HTML goes.
pub struct Input<'a> {
    pub source: &'a Source,
    /// The Markdown text.
    pub text: &'a str,
    /// Where the text sits in the source file, for diagnostics.
    pub origin: TextOrigin<'a>,
    /// Folder of the source file under `content/` (links resolve from it).
    pub dir: &'a str,
    /// Output path of the page the HTML lands on.
    pub out: &'a str,
    /// Index of the page itself in the book, for same-page anchors.
    pub page: Option<usize>,
}

/// How positions in the Markdown text map to the source file.
#[derive(Clone, Copy)]
pub enum TextOrigin<'a> {
    /// The text is the file's bytes from this offset on (a page body).
    Slice(usize),
    /// The text was unfolded from a YAML value: this maps a range of the
    /// text to the range of the file it came from.
    Yaml(&'a dyn Fn(Range<usize>) -> Range<usize>),
}

pub struct Settings<'a> {
    pub book: &'a Book,
    /// The output page of each exercise file and workshop plan, by its
    /// path under `content/`: a link to the file goes to the page.
    pub yaml_pages: &'a HashMap<&'a str, &'a str>,
    pub options: &'a MarkdownOptions,
    pub edition: Edition,
    /// Whether to gather the plain text under each heading for the search
    /// index. Without search it is left out: nothing else reads it, and on
    /// a big book it is as large as the pages' HTML.
    pub search_text: bool,
}

/// The output page of every exercise file and workshop plan, by its path
/// under `content/` (for [`Settings::yaml_pages`]). The plans come as
/// (path, page) pairs of every plan found, the ones that fail included.
pub fn yaml_pages<'a>(
    exercises: &'a [Exercise],
    workshops: &'a [(String, String)],
) -> HashMap<&'a str, &'a str> {
    let exercises = exercises.iter().map(|e| (&e.file.rel, &e.out));
    let workshops = workshops.iter().map(|(rel, out)| (rel, out));
    (exercises.chain(workshops))
        .map(|(rel, out)| (rel.as_str(), out.as_str()))
        .collect()
}

/// Markdown held in a YAML field (an exercise step, a workshop note),
/// rendered once: the page shows its HTML and search reads its text.
#[derive(Debug)]
pub struct FieldMarkdown {
    pub html: String,
    /// Each heading's text and each section's text, in reading order, as
    /// ranges of `search_text`.
    pub parts: Vec<Range<usize>>,
    pub search_text: String,
}

impl FieldMarkdown {
    /// Each heading's text and each section's text, in reading order.
    pub fn text(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|r| &self.search_text[r.clone()])
    }
}

/// A link to another page's anchor from a YAML file's Markdown field,
/// checked once every page is parsed. Its range is one of the field's
/// text: the file position is worked out only if the anchor is missing.
#[derive(Debug, Clone)]
pub struct FieldLink {
    /// The field's key path (`steps.2.text`).
    pub key: String,
    /// The field's text.
    pub text: Arc<str>,
    pub link: AnchorLink,
}

impl FieldLink {
    /// The link's place in `file`, whose key positions `loc` holds.
    pub fn range(&self, file: &TextFile, loc: &Locator) -> Range<usize> {
        field_range(file, loc, &self.key, &self.text, self.link.range.clone())
    }
}

/// Where bytes `range` of `text`, the Markdown of the YAML field at `key`,
/// are in `file`; the field's key when that cannot be told.
pub fn field_range(
    file: &TextFile,
    loc: &Locator,
    key: &str,
    text: &str,
    range: Range<usize>,
) -> Range<usize> {
    loc.value(key)
        .and_then(|at| yaml_text_range(&file.source.text, at, text, range))
        .unwrap_or_else(|| {
            let at = loc.key_or_parent(key);
            at..at
        })
}

/// Where bytes `range` of `text`, the value of the YAML scalar starting at
/// byte `at` of `file`, are in the file. A block scalar (`|`, `>`) starts
/// on the line after its indicator, a quoted one after its quote. The
/// value drops the indentation and folds line breaks, so the two are
/// walked side by side: white space may differ, every other byte must be
/// the same. `None` if they differ (an escape in a quoted scalar), so that
/// a position is never guessed.
fn yaml_text_range(file: &str, at: usize, text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let rest = file.get(at..)?;
    let start = match rest.bytes().next()? {
        b'|' | b'>' => at + rest.find('\n')? + 1,
        b'"' | b'\'' => at + 1,
        _ => at,
    };
    let offset = |target: usize| -> Option<usize> {
        let (f, t) = (file.as_bytes(), text.as_bytes());
        let (mut i, mut j) = (start, 0);
        while j < t.len() {
            if t[j].is_ascii_whitespace() {
                if j == target {
                    return Some(i);
                }
                if f.get(i) == Some(&t[j]) {
                    i += 1;
                }
                j += 1;
                continue;
            }
            while f.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            if f.get(i) != Some(&t[j]) {
                return None;
            }
            if j == target {
                return Some(i);
            }
            i += 1;
            j += 1;
        }
        (j == target).then_some(i)
    };
    let from = offset(range.start)?;
    let to = match range.end.checked_sub(1) {
        Some(last) if range.end > range.start => offset(last)? + 1,
        _ => from,
    };
    Some(from..to)
}

/// Renders the Markdown fields of one YAML file (for one output page),
/// gathering their diagnostics and their links to other pages' anchors.
struct Fields<'a> {
    file: &'a TextFile,
    /// Output path of the page the HTML lands on.
    out: &'a str,
    /// The file's key positions, worked out on first use.
    locator: &'a dyn Fn() -> Arc<Locator>,
    settings: &'a Settings<'a>,
    diags: Vec<Diagnostic>,
    links: Vec<FieldLink>,
}

impl Fields<'_> {
    /// Renders the field under `key`. Key positions cost more to work out
    /// than the field costs to render, so they are worked out only for a
    /// field with a diagnostic, which is then rendered again with them.
    fn render(&mut self, key: &str, text: &str) -> FieldMarkdown {
        let rel = &self.file.rel;
        let dir = rel.rfind('/').map_or("", |i| &rel[..i]);
        let render_with = |origin: TextOrigin<'_>| {
            render(
                &Input {
                    source: &self.file.source,
                    text,
                    origin,
                    dir,
                    out: self.out,
                    page: None,
                },
                self.settings,
            )
        };
        // Ranges of the text itself: the links keep them.
        let mut r = render_with(TextOrigin::Yaml(&|range| range));
        if !r.anchor_links.is_empty() {
            let text: Arc<str> = text.into();
            self.links
                .extend(r.anchor_links.drain(..).map(|link| FieldLink {
                    key: key.to_string(),
                    text: text.clone(),
                    link,
                }));
        }
        if !r.diags.is_empty() {
            let loc = (self.locator)();
            let map = |range| field_range(self.file, &loc, key, text, range);
            r = render_with(TextOrigin::Yaml(&map));
        }
        self.diags.append(&mut r.diags);
        if !self.settings.search_text {
            return FieldMarkdown {
                html: r.html,
                parts: Vec::new(),
                search_text: String::new(),
            };
        }
        // The headings' text goes after the sections', in the same string.
        let mut search_text = r.search_text;
        let mut parts = Vec::with_capacity(r.sections.len() + r.headings.len());
        for s in r.sections {
            if let Some(h) = s.heading {
                let start = search_text.len();
                search_text.push_str(&r.headings[h].text);
                parts.push(start..search_text.len());
            }
            parts.push(s.range);
        }
        FieldMarkdown {
            html: r.html,
            parts,
            search_text,
        }
    }
}

/// An exercise's Markdown fields, rendered once in this stage for both the
/// exercise page and the search index.
#[derive(Debug)]
pub struct ExerciseMarkdown {
    pub preparation: Option<FieldMarkdown>,
    pub steps: Vec<FieldMarkdown>,
    pub variations: Vec<FieldMarkdown>,
    /// Each question's text.
    pub questions: Vec<FieldMarkdown>,
    /// Rendered in the facilitator edition only.
    pub facilitator_notes: Option<FieldMarkdown>,
    pub diags: Vec<Diagnostic>,
    /// Links to other pages' anchors, for the validate stage.
    pub links: Vec<FieldLink>,
}

impl ExerciseMarkdown {
    /// Frees the fields' search text, keeping their HTML.
    pub fn drop_search_text(&mut self) {
        let fields = (self.preparation.iter_mut())
            .chain(&mut self.steps)
            .chain(&mut self.variations)
            .chain(&mut self.questions)
            .chain(&mut self.facilitator_notes);
        for f in fields {
            f.parts = Vec::new();
            f.search_text = String::new();
        }
    }
}

/// Renders the Markdown fields of exercise `e`.
pub fn render_exercise(e: &Exercise, settings: &Settings<'_>) -> ExerciseMarkdown {
    let d = &e.data;
    let mut f = Fields {
        file: &e.file,
        out: &e.out,
        locator: &|| e.locator(),
        settings,
        diags: Vec::new(),
        links: Vec::new(),
    };
    let mut md = |key: &str, text: &str| f.render(key, text);
    let steps = (d.steps.iter().enumerate())
        .map(|(i, s)| match s {
            Step::Text(t) => md(&format!("steps.{i}"), t),
            Step::Timed(t) => md(&format!("steps.{i}.text"), &t.text),
        })
        .collect();
    let preparation = d.preparation.as_deref().map(|t| md("preparation", t));
    let facilitator_notes = match settings.edition.is_facilitator() {
        true => d
            .facilitator_notes
            .as_deref()
            .map(|t| md("facilitator_notes", t)),
        false => None,
    };
    let variations = (d.variations.iter().enumerate())
        .map(|(i, v)| md(&format!("variations.{i}"), v))
        .collect();
    let questions = (d.questions.iter().enumerate())
        .map(|(i, q)| md(&format!("questions.{i}.question"), &q.question))
        .collect();
    ExerciseMarkdown {
        preparation,
        steps,
        variations,
        questions,
        facilitator_notes,
        diags: f.diags,
        links: f.links,
    }
}

/// A workshop agenda's Markdown: its description and, in the facilitator
/// edition, each slot's notes and its exercise's facilitator notes.
#[derive(Debug)]
pub struct WorkshopMarkdown {
    pub description: Option<FieldMarkdown>,
    /// Per slot: its notes, and its exercise's facilitator notes as HTML
    /// (facilitator edition only).
    pub slots: Vec<(Option<FieldMarkdown>, Option<String>)>,
    pub diags: Vec<Diagnostic>,
    /// Links to other pages' anchors, for the validate stage.
    pub links: Vec<FieldLink>,
}

/// Renders the Markdown of workshop `w` for its agenda page.
pub fn render_workshop(
    w: &Workshop,
    exercises: &[Exercise],
    settings: &Settings<'_>,
) -> WorkshopMarkdown {
    let loc = std::sync::OnceLock::new();
    let mut f = Fields {
        file: &w.file,
        out: &w.out,
        locator: &|| crate::exercise::located(&loc, &w.file).clone(),
        settings,
        diags: Vec::new(),
        links: Vec::new(),
    };
    let facilitator = settings.edition.is_facilitator();
    let mut slots = Vec::with_capacity(w.slots.len());
    for (i, s) in w.slots.iter().enumerate() {
        if !facilitator {
            slots.push((None, None));
            continue;
        }
        let notes = (s.notes.as_deref()).map(|n| f.render(&format!("sessions.{i}.notes"), n));
        let exercise_notes = match &s.what {
            SlotWhat::Exercise(e) => {
                let e = &exercises[*e];
                (e.data.facilitator_notes.as_deref())
                    .map(|n| shown_from(&e.file, n, &w.out, settings))
            }
            _ => None,
        };
        slots.push((notes, exercise_notes));
    }
    let description = (w.data.description.as_deref()).map(|d| f.render("description", d));
    WorkshopMarkdown {
        description,
        slots,
        diags: f.diags,
        links: f.links,
    }
}

/// The HTML of Markdown from `file` shown on another page (an exercise's
/// facilitator notes in a workshop's run-sheet): its links resolve from
/// `file`, and its problems are left to the page of `file` to report, so
/// that each is reported once, where it is.
fn shown_from(file: &TextFile, text: &str, out: &str, settings: &Settings<'_>) -> String {
    let dir = file.rel.rfind('/').map_or("", |i| &file.rel[..i]);
    let input = Input {
        source: &file.source,
        text,
        origin: TextOrigin::Yaml(&|range| range),
        dir,
        out,
        page: None,
    };
    render(&input, settings).html
}

/// How the ids the theme uses start; heading ids never take them.
const THEME_ID_PREFIXES: [&str; 4] = ["hb-", "fn-", "fnref-", "ex-"];

/// Whether `id` is of the kind the theme uses.
pub fn is_theme_id(id: &str) -> bool {
    THEME_ID_PREFIXES.iter().any(|p| id.starts_with(p))
}

/// A heading's anchor: its text slugged; never empty, never a theme id.
pub fn heading_slug(text: &str) -> String {
    let s = crate::model::slugify(text);
    if s.is_empty() {
        "section".into()
    } else if is_theme_id(&s) {
        format!("h-{s}")
    } else {
        s
    }
}

/// The pulldown-cmark extensions the handbook turns on (also used by the
/// speed benchmark's floor, so that both parse the same way).
pub fn parser_options(o: &MarkdownOptions) -> Options {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    if o.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    opts
}

/// Renders Markdown with the handbook's rules.
pub fn render(input: &Input<'_>, settings: &Settings<'_>) -> Rendered {
    let text = input.text;
    // Sized for typical prose (an event per dozen bytes or so): growing it
    // by doubling cost more than the parse on a big book.
    let mut events: Vec<(Event<'_>, Range<usize>)> = Vec::with_capacity(text.len() / 12 + 16);
    events.extend(pulldown_cmark::utils::TextMergeWithOffset::new(
        Parser::new_ext(text, parser_options(settings.options)).into_offset_iter(),
    ));

    let mut r = Rendered::default();
    let mut out: Vec<Event<'_>> = Vec::with_capacity(events.len() + 16);
    let mut ids: HashSet<String> = HashSet::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut quote_is_callout: Vec<bool> = Vec::new();
    // The section being read: its heading and where its text starts.
    let mut section = TextSection::default();
    let mut search = String::with_capacity(if settings.search_text { text.len() } else { 0 });
    let mut in_heading: Option<usize> = None;
    let mut in_code = false;
    let mut notes = Notes::default();
    let mut warned_html = false;
    let at = |range: &Range<usize>| match input.origin {
        TextOrigin::Slice(base) => base + range.start..base + range.end,
        TextOrigin::Yaml(map) => map(range.clone()),
    };

    let mut i = 0;
    while i < events.len() {
        let (ev, range) = &events[i];
        match ev {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let end = find_end(&events, i);
                let heading_text = plain_text(&events[i + 1..end], !settings.options.allow_html);
                let wanted = match id {
                    // An id given with {#…} cannot take the theme's either.
                    Some(given) if is_theme_id(given) => format!("h-{given}"),
                    Some(given) => given.to_string(),
                    None => heading_slug(&heading_text),
                };
                let mut unique = wanted.clone();
                // Numbering resumes where this base's last heading left
                // it: a page of many equal headings stays linear.
                let mut n = next_suffix.get(&wanted).copied().unwrap_or(1);
                while !ids.insert(unique.clone()) {
                    unique = format!("{wanted}-{n}");
                    n += 1;
                }
                next_suffix.insert(wanted, n);
                if let Some(given) = id.as_deref().filter(|g| **g != unique) {
                    // An id written by hand is a promise to the links that
                    // use it: say when it cannot be kept.
                    let (why, hint) = if is_theme_id(given) {
                        let prefixes: Vec<String> =
                            THEME_ID_PREFIXES.iter().map(|p| format!("`{p}`")).collect();
                        (
                            format!("heading id `{given}` is reserved for the theme"),
                            format!(
                                "choose an id that does not start with {}",
                                prefixes.join(", ")
                            ),
                        )
                    } else {
                        (
                            format!("heading id `{given}` is already used on this page"),
                            "give each heading its own id".to_string(),
                        )
                    };
                    let source = &text[range.clone()];
                    let mark = source.rfind("{#").map_or(range.clone(), |k| {
                        let end = source[k..].find('}').map_or(source.len(), |e| k + e + 1);
                        range.start + k..range.start + end
                    });
                    r.diags.push(
                        Diagnostic::warning_at(
                            input.source,
                            at(&mark),
                            format!("{why}: this heading's id is `{unique}`"),
                        )
                        .with_hint(hint),
                    );
                }
                close_section(&mut r.sections, &mut search, std::mem::take(&mut section));
                r.headings.push(Heading {
                    level: level_num(*level),
                    id: unique.clone(),
                    text: heading_text,
                });
                section.heading = Some(r.headings.len() - 1);
                section.range = search.len()..search.len();
                in_heading = Some(r.headings.len() - 1);
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(unique)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::End(TagEnd::Heading(_)) => {
                // A permalink to copy, shown on hover and focus.
                if let Some(h) = in_heading.take() {
                    out.push(Event::InlineHtml(
                        format!(
                            " <a class=\"hb-anchor\" href=\"#{0}\" aria-label=\"Link to this section\">#</a>",
                            crate::theme::escape_html(&r.headings[h].id)
                        )
                        .into(),
                    ));
                }
                out.push(ev.clone());
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                let marker = if kind.is_none() {
                    quote_marker(&events, i, text)
                } else {
                    None
                };
                if let Some((word, range)) = marker.as_ref().filter(|(w, _)| !is_facilitator(w)) {
                    // Unknown, such as a misspelt `[!FACILITATOR]`: were it
                    // shown as a plain quote, facilitator text would reach
                    // participants.
                    let escape = format!("to show `[!{word}]` as text, write `\\[!{word}]`");
                    let hint = match did_you_mean(&word.to_ascii_lowercase(), CALLOUTS) {
                        Some(k) => {
                            format!("did you mean `[!{}]`? Or {escape}", k.to_ascii_uppercase())
                        }
                        None => format!(
                            "callouts are {}; {escape}",
                            CALLOUTS
                                .iter()
                                .map(|k| format!("`[!{}]`", k.to_ascii_uppercase()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    r.diags.push(
                        Diagnostic::error_at(
                            input.source,
                            at(range),
                            format!("unknown callout `[!{word}]`"),
                        )
                        .with_hint(hint),
                    );
                    i = find_end(&events, i) + 1;
                    continue;
                }
                if marker.is_some() {
                    if settings.edition.is_facilitator() {
                        quote_is_callout.push(true);
                        out.push(Event::Html(
                            callout_open("facilitator", "Facilitator").into(),
                        ));
                        i = skip_marker(&events, i, &mut out);
                        continue;
                    }
                    // Participant edition: the whole block is left out, search text included.
                    i = find_end(&events, i) + 1;
                    continue;
                }
                match kind {
                    Some(k) => {
                        let (class, title) = callout_kind(*k);
                        quote_is_callout.push(true);
                        out.push(Event::Html(callout_open(class, title).into()));
                    }
                    None => {
                        quote_is_callout.push(false);
                        out.push(ev.clone());
                    }
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                if quote_is_callout.pop().unwrap_or(false) {
                    out.push(Event::Html("</div>\n".into()));
                } else {
                    out.push(ev.clone());
                }
                gather(&mut search, settings, " ");
            }
            Event::Start(Tag::Paragraph) => {
                if let (Some((Event::Text(t), trange)), Some((Event::End(TagEnd::Paragraph), _))) =
                    (events.get(i + 1), events.get(i + 2))
                {
                    if let Some(id) = exercise_placement(t) {
                        if is_slug(id) {
                            r.exercises.push(ExercisePlacement {
                                id: id.to_string(),
                                range: at(trange),
                            });
                            out.push(Event::Html(format!("<!--hb:exercise:{id}-->\n").into()));
                        } else {
                            r.diags.push(
                                Diagnostic::error_at(
                                    input.source,
                                    at(trange),
                                    format!("`{id}` is not a valid exercise id"),
                                )
                                .with_hint(
                                    "exercise ids are lower-case letters, digits and dashes",
                                ),
                            );
                        }
                        i += 3;
                        continue;
                    }
                }
                out.push(ev.clone());
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let url = resolve_url(dest_url, false, &at(range), input, settings, &mut r);
                out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: url.into(),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let url = resolve_url(dest_url, true, &at(range), input, settings, &mut r);
                out.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: url.into(),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            // Footnotes are numbered in the order they are first cited and
            // listed at the end of the text, each with a way back to where
            // it was cited. Their ids get the `fn-` prefix so they never
            // clash with heading ids.
            Event::FootnoteReference(name) => {
                let n = notes.cite(name);
                let k = notes.cited[n].1.len();
                let back = note_ref_id(name, k);
                notes.cited[n].1.push(back.clone());
                out.push(Event::InlineHtml(
                    format!(
                        "<sup class=\"footnote-reference\" id=\"{}\"><a href=\"#fn-{}\">{}</a></sup>",
                        back,
                        crate::theme::escape_html(name),
                        n + 1
                    )
                    .into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                notes.open = Some((name.to_string(), out.len()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((name, start)) = notes.open.take() {
                    let body: Vec<Event<'_>> = out.drain(start..).collect();
                    notes.defined.push((name, body));
                }
                gather(&mut search, settings, " ");
            }
            Event::Start(Tag::Table(_)) => {
                out.push(Event::Html("<div class=\"table-wrap\">".into()));
                out.push(ev.clone());
            }
            Event::End(TagEnd::Table) => {
                if settings.search_text && search[section.range.start..].ends_with(CELL_GAP) {
                    let end = search.len() - CELL_GAP.len();
                    search.truncate(end);
                    search.push(' ');
                }
                out.push(ev.clone());
                out.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::HtmlBlock) if !settings.options.allow_html => {
                warn_html(&mut warned_html, input, at(range), &mut r);
                out.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(
                    "html".into(),
                ))));
            }
            Event::End(TagEnd::HtmlBlock) if !settings.options.allow_html => {
                out.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Html(h) | Event::InlineHtml(h) if !settings.options.allow_html => {
                warn_html(&mut warned_html, input, at(range), &mut r);
                out.push(Event::Text(h.clone()));
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code = true;
                out.push(ev.clone());
            }
            Event::Text(t) | Event::Code(t) => {
                if in_heading.is_none() {
                    gather(&mut search, settings, t);
                }
                if matches!(ev, Event::Text(_)) && !in_code {
                    if let Some(d) = placement_mistake(t, &at(range), input.source) {
                        r.diags.push(d);
                    }
                    if t.contains(']') {
                        r.diags.extend(spaced_address(&at(range), input.source));
                    }
                }
                out.push(ev.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                gather(&mut search, settings, " ");
                out.push(ev.clone());
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock) => {
                in_code &= !matches!(ev, Event::End(TagEnd::CodeBlock));
                gather(&mut search, settings, " ");
                out.push(ev.clone());
            }
            // A table's cells stay apart in search snippets: "Recognition ·
            // Shares their work · Feels invisible", not one run-on line.
            // An empty cell adds nothing (nothing was gathered since the
            // last gap or block end): a grid left blank to fill in would
            // read "· · · ·".
            Event::End(TagEnd::TableCell) => {
                let last = search[section.range.start..].chars().next_back();
                if last.is_some_and(|c| !c.is_whitespace()) {
                    gather(&mut search, settings, CELL_GAP);
                }
                out.push(ev.clone());
            }
            _ => out.push(ev.clone()),
        }
        i += 1;
    }
    close_section(&mut r.sections, &mut search, section);
    r.search_text = search;
    notes.list(&mut out);
    r.html.reserve(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut r.html, out.into_iter());
    r
}

/// A text's footnotes: those cited, in the order first cited, with the
/// ids of their citations; and the definitions, as rendered, taken out of
/// the text to be listed at its end.
#[derive(Default)]
struct Notes<'a> {
    cited: Vec<(String, Vec<String>)>,
    defined: Vec<(String, Vec<Event<'a>>)>,
    /// The definition being read, and where its events start in the output.
    open: Option<(String, usize)>,
}

impl<'a> Notes<'a> {
    /// The number (from 0) of the footnote `name`, numbering it if new.
    fn cite(&mut self, name: &str) -> usize {
        match self.cited.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                self.cited.push((name.to_string(), Vec::new()));
                self.cited.len() - 1
            }
        }
    }

    /// Appends the list of footnotes: cited ones by number, then any never
    /// cited, each with links back to its citations.
    fn list(mut self, out: &mut Vec<Event<'a>>) {
        if self.defined.is_empty() {
            return;
        }
        let rank = |name: &str, cited: &[(String, Vec<String>)]| {
            cited
                .iter()
                .position(|(n, _)| n == name)
                .unwrap_or(usize::MAX)
        };
        self.defined
            .sort_by_key(|(name, _)| rank(name, &self.cited));
        out.push(Event::Html(
            "<section class=\"footnotes\" aria-label=\"Footnotes\">\n<ol class=\"footnote-list\">\n".into(),
        ));
        for (name, mut body) in self.defined {
            let backs = (self.cited.iter().find(|(n, _)| *n == name))
                .map_or(&[][..], |(_, b)| b.as_slice());
            let n = rank(&name, &self.cited);
            let number = if n == usize::MAX {
                String::new()
            } else {
                format!(" value=\"{}\"", n + 1)
            };
            out.push(Event::Html(
                format!(
                    "<li class=\"footnote-definition\" id=\"fn-{}\"{number}>",
                    crate::theme::escape_html(&name)
                )
                .into(),
            ));
            let mut links = String::new();
            for (k, back) in backs.iter().enumerate() {
                let mark = if backs.len() > 1 {
                    format!("↩<sup>{}</sup>", k + 1)
                } else {
                    "↩".into()
                };
                links.push_str(&format!(
                    " <a href=\"#{back}\" class=\"footnote-backref\" aria-label=\"Back to the text{}\">{mark}</a>",
                    if backs.len() > 1 { format!(" ({})", k + 1) } else { String::new() }
                ));
            }
            // The way back goes at the end of the last paragraph.
            let at = match body.last() {
                Some(Event::End(TagEnd::Paragraph)) => body.len() - 1,
                _ => body.len(),
            };
            body.insert(at, Event::InlineHtml(links.into()));
            out.extend(body);
            out.push(Event::Html("</li>\n".into()));
        }
        out.push(Event::Html("</ol>\n</section>\n".into()));
    }
}

/// The id of the `k`-th citation (from 0) of footnote `name`.
fn note_ref_id(name: &str, k: usize) -> String {
    let name = crate::theme::escape_html(name);
    if k == 0 {
        format!("fnref-{name}")
    } else {
        format!("fnref-{name}-{}", k + 1)
    }
}

/// What search text puts after each table cell.
const CELL_GAP: &str = " · ";

/// Adds `text` to the search text (the section being read is its end),
/// if search text is gathered.
fn gather(search: &mut String, settings: &Settings<'_>, text: &str) {
    if settings.search_text {
        search.push_str(text);
    }
}

/// Keeps a finished section (its text is the end of `search`), trimmed;
/// text before the first heading only if there is some.
fn close_section(sections: &mut Vec<TextSection>, search: &mut String, mut section: TextSection) {
    let start = section.range.start;
    search.truncate(start + search[start..].trim_end().len());
    let lead = search[start..].len() - search[start..].trim_start().len();
    if search.len() > start + lead || section.heading.is_some() {
        section.range = start + lead..search.len();
        sections.push(section);
    } else {
        search.truncate(start);
    }
}

fn warn_html(warned: &mut bool, input: &Input<'_>, range: Range<usize>, r: &mut Rendered) {
    if !*warned {
        *warned = true;
        r.diags.push(
            Diagnostic::warning_at(input.source, range, "raw HTML is shown as text")
                .with_hint("write it in Markdown, or set `allow-html = true` under [markdown] in book.toml if you trust every author"),
        );
    }
}

fn level_num(l: HeadingLevel) -> u8 {
    l as u8
}

/// Index of the event that closes the one opened at `start`.
fn find_end(events: &[(Event<'_>, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, (ev, _)) in events.iter().enumerate().skip(start) {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// The text of a heading. Raw HTML counts as text when it is shown as text.
fn plain_text(events: &[(Event<'_>, Range<usize>)], html_as_text: bool) -> String {
    let mut s = String::new();
    for (ev, _) in events {
        match ev {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::InlineHtml(t) | Event::Html(t) if html_as_text => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

/// The callout types, lower case: GitHub's alerts and the handbook's own.
const CALLOUTS: [&str; 6] = [
    "note",
    "tip",
    "important",
    "warning",
    "caution",
    "facilitator",
];

fn is_facilitator(word: &str) -> bool {
    word.eq_ignore_ascii_case("facilitator")
}

/// The word of a `[!WORD]` marker that starts the plain block quote opened
/// at `i` (GitHub's own alerts arrive already recognised), and where the
/// marker is in the source. A `\[!` written escaped is no marker.
fn quote_marker(
    events: &[(Event<'_>, Range<usize>)],
    i: usize,
    source: &str,
) -> Option<(String, Range<usize>)> {
    let Some((Event::Start(Tag::Paragraph), _)) = events.get(i + 1) else {
        return None;
    };
    let Some((Event::Text(t), range)) = events.get(i + 2) else {
        return None;
    };
    let word = t.trim_start().strip_prefix("[!")?.split_once(']')?.0;
    // The text starts after the backslash of an escaped `\[`.
    let escaped = source[..range.start].ends_with('\\');
    let is_word = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    (is_word && !escaped).then(|| {
        let start = range.start + source[range.clone()].find('[').unwrap_or(0);
        (word.to_string(), start..start + word.len() + 3)
    })
}

/// Emits the facilitator block's content without the marker; returns the next index.
fn skip_marker<'a>(
    events: &[(Event<'a>, Range<usize>)],
    i: usize,
    out: &mut Vec<Event<'a>>,
) -> usize {
    let Some((Event::Text(t), _)) = events.get(i + 2) else {
        return i + 1;
    };
    let t = t.trim_start();
    let rest = t[t.find(']').map_or(0, |e| e + 1)..]
        .trim_start()
        .to_string();
    let mut j = i + 3;
    // The marker may stand alone on its line: drop the break after it, and an empty paragraph.
    if rest.is_empty() {
        if matches!(
            events.get(j),
            Some((Event::SoftBreak | Event::HardBreak, _))
        ) {
            j += 1;
            out.push(Event::Start(Tag::Paragraph));
        } else if matches!(events.get(j), Some((Event::End(TagEnd::Paragraph), _))) {
            j += 1;
        } else {
            out.push(Event::Start(Tag::Paragraph));
        }
    } else {
        out.push(Event::Start(Tag::Paragraph));
        out.push(Event::Text(rest.into()));
    }
    j
}

fn callout_kind(k: BlockQuoteKind) -> (&'static str, &'static str) {
    match k {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn callout_open(class: &str, title: &str) -> String {
    format!("<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n")
}

/// `{{ exercise: some-id }}` → `some-id`.
fn exercise_placement(t: &str) -> Option<&str> {
    let inner = t.trim().strip_prefix("{{")?.strip_suffix("}}")?.trim();
    let id = inner
        .strip_prefix("exercise")?
        .trim_start()
        .strip_prefix(':')?
        .trim();
    Some(id)
}

/// A link or image that Markdown did not make because its address has a
/// space (`![chart](my images/chart one.png)`): its text is shown as
/// written, and the file is never checked. A `]` left as text and followed
/// by `(` is one (a link that is made leaves no `]`); one with a title in
/// quotes is something else.
fn spaced_address(range: &Range<usize>, source: &Source) -> Option<Diagnostic> {
    let text = &source.text;
    let k = range.start + text.get(range.clone())?.find(']')?;
    let after = text.get(k + 1..)?.strip_prefix('(')?;
    let end = after.find([')', '\n'])?;
    let address = &after[..end];
    let spaced = after[end..].starts_with(')')
        && address.trim().contains(' ')
        && !address.contains(['"', '\'', '<']);
    if !spaced {
        return None;
    }
    let escaped = address.trim().replace(' ', "%20");
    Some(
        Diagnostic::warning_at(
            source,
            k + 1..k + 2 + end + 1,
            "this link or image is shown as text: its address has a space",
        )
        .with_hint(format!(
            "write the address in angle brackets, `(<{}>)`, or with `%20` for each space: `({escaped})`",
            address.trim()
        )),
    )
}

/// An exercise placement written so that it is not one, which would be
/// published as literal text: a misspelt or unknown word in braces
/// (`{{ exercice: x }}`, `{{ Exercise: x }}`, `{ exercise: x }`), a
/// missing colon, or a placement inside a longer paragraph.
fn placement_mistake(t: &str, range: &Range<usize>, source: &Source) -> Option<Diagnostic> {
    // Each run of opening braces, up to the first closing one after it.
    (t.match_indices('{'))
        .filter(|&(k, _)| !t[..k].ends_with('{'))
        .find_map(|(open, _)| placement_at(t, open, range, source))
}

fn placement_at(t: &str, open: usize, range: &Range<usize>, source: &Source) -> Option<Diagnostic> {
    let close = open + t[open..].find('}')?;
    let inner = t[open..close].trim_start_matches('{').trim();
    let word_end = inner
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(inner.len());
    let (word, rest) = inner.split_at(word_end);
    let exact = word == "exercise";
    if !exact && did_you_mean(&word.to_lowercase(), ["exercise"]).is_none() {
        return None;
    }
    let colon = rest.trim_start().strip_prefix(':');
    let id = colon.unwrap_or(rest).trim();
    let id = if id.is_empty() { "ID" } else { id };
    let end = (close + 2).min(t.len());
    let snippet = t[open..end].trim_end();
    let well_formed =
        exact && colon.is_some() && snippet.starts_with("{{") && snippet.ends_with("}}");
    // A well-formed one that is a paragraph of its own never gets here:
    // this one is inside a longer paragraph, a list item or a table.
    let message = if well_formed {
        "an exercise placement must be a paragraph of its own".to_string()
    } else {
        format!("`{snippet}` is not an exercise placement")
    };
    // The text's place in the source, narrowed to the braces when the
    // text is the source as written.
    let at = match source.text.get(range.clone()) {
        Some(s) if s == t => range.start + open..range.start + end,
        _ => range.clone(),
    };
    Some(
        Diagnostic::error_at(source, at, message).with_hint(format!(
            "to place the exercise here, write `{{{{ exercise: {id} }}}}` as a paragraph of its own, with a blank line before and after"
        )),
    )
}

pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The scheme of a URL, lower-cased, if it has one.
fn scheme(url: &str) -> Option<String> {
    let colon = url.find(':')?;
    let s = &url[..colon];
    let valid = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    // Browsers ignore tabs and newlines inside schemes (`java\tscript:`).
    let cleaned: String = url[..colon]
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    (valid || cleaned.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| cleaned.to_ascii_lowercase())
}

const SAFE_IMAGE_DATA: &[&str] = &[
    "data:image/png",
    "data:image/jpeg",
    "data:image/gif",
    "data:image/webp",
    "data:image/avif",
];

/// Checks and rewrites a link or image URL; records what validate checks later.
fn resolve_url(
    url: &str,
    image: bool,
    range: &Range<usize>,
    input: &Input<'_>,
    settings: &Settings<'_>,
    r: &mut Rendered,
) -> String {
    let trimmed = url.trim();
    if let Some(s) = scheme(trimmed) {
        let lower = trimmed.to_ascii_lowercase();
        let dangerous = match s.as_str() {
            "javascript" | "vbscript" => true,
            "data" => !(image && SAFE_IMAGE_DATA.iter().any(|p| lower.starts_with(p))),
            _ => false,
        };
        if dangerous {
            r.diags.push(
                Diagnostic::warning_at(input.source, range.clone(), format!("`{s}:` URL removed"))
                    .with_hint("links may point to pages, files or web addresses; script and data URLs are unsafe"),
            );
            return "#".into();
        }
        return url.to_string();
    }
    if trimmed.starts_with("//") {
        return url.to_string();
    }
    let (path, fragment) = match trimmed.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (trimmed, None),
    };
    let (path, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    if path.is_empty() {
        // `#anchor` on the same page.
        if let (Some(f), Some(page)) = (fragment, input.page) {
            r.anchor_links.push(AnchorLink {
                page,
                anchor: f.to_string(),
                range: range.clone(),
            });
        }
        return url.to_string();
    }
    if path.starts_with('/') {
        r.diags.push(
            Diagnostic::warning_at(
                input.source,
                range.clone(),
                "absolute path will break when the site is opened from disk",
            )
            .with_hint("write the link relative to this file, e.g. `../chapter/lesson.md`"),
        );
        return url.to_string();
    }
    let decoded = percent_decode(path);
    let Some(target) = normalize(input.dir, &crate::fsx::composed(&decoded)) else {
        r.diags.push(
            Diagnostic::error_at(
                input.source,
                range.clone(),
                format!("link `{path}` leads outside the content folder"),
            )
            .with_hint("link only to files inside `content/`"),
        );
        return "#".into();
    };
    let book = settings.book;
    let page = book.by_rel.get(&target).copied().or_else(|| {
        let idx = if target.is_empty() {
            "index.md".to_string()
        } else {
            format!("{}/index.md", target.trim_end_matches('/'))
        };
        book.by_rel.get(&idx).copied()
    });
    let suffix = |base: String| {
        let mut u = base;
        if let Some(q) = query {
            u.push('?');
            u.push_str(q);
        }
        if let Some(f) = fragment {
            u.push('#');
            u.push_str(f);
        }
        u
    };
    if let Some(p) = page.filter(|_| !image) {
        if let Some(f) = fragment.filter(|f| !f.is_empty()) {
            r.anchor_links.push(AnchorLink {
                page: p,
                anchor: f.to_string(),
                range: range.clone(),
            });
        }
        return suffix(relative_url(input.out, &book.pages[p].out).into_owned());
    }
    if let Some(&a) = book.asset_by_rel.get(&target) {
        return suffix(relative_url(input.out, &book.assets[a].out).into_owned());
    }
    // An exercise file or a workshop plan: its page (anchors there are
    // the theme's, so they are not checked).
    if let Some(out) = settings.yaml_pages.get(target.as_str()).filter(|_| !image) {
        return suffix(relative_url(input.out, out).into_owned());
    }
    let what = if image { "image" } else { "link" };
    let draft = [
        target.clone(),
        format!("{}/index.md", target.trim_end_matches('/')),
    ]
    .into_iter()
    .find_map(|t| book.drafts.get(&t));
    if let Some(draft) = draft {
        r.diags.push(
            Diagnostic::error_at(
                input.source,
                range.clone(),
                format!("{what} to `{path}`, a draft left out of this build"),
            )
            .with_hint(crate::model::draft_hint(draft)),
        );
        return "#".into();
    }
    // The closest file of the kind linked to: a page, an image or other
    // file, an exercise file or workshop plan.
    let closest = if target.ends_with(".md") {
        crate::model::closest_path(&target, book.by_rel.keys().map(String::as_str))
    } else {
        let yaml = settings.yaml_pages.keys().copied().filter(|_| !image);
        crate::model::closest_path(
            &target,
            book.asset_by_rel.keys().map(String::as_str).chain(yaml),
        )
    };
    // A page linked by its address (`sbi-model.html`) or with no
    // extension, as in other generators: links name the Markdown file.
    let last = target.rsplit('/').next().unwrap_or(&target);
    let page_like =
        !image && (!last.contains('.') || last.ends_with(".html") || last.ends_with(".htm"));
    let as_page = page_like
        .then(|| {
            let pages = || book.by_rel.keys().map(String::as_str);
            crate::model::same_page(&target, pages()).or_else(|| {
                let stem = target.rsplit_once('.').filter(|_| last.contains('.'));
                let md = format!("{}.md", stem.map_or(target.as_str(), |(s, _)| s));
                crate::model::closest_path(&md, pages())
            })
        })
        .flatten();
    let hint = match (as_page, closest) {
        (Some(s), _) => format!(
            "link to the page's Markdown file: `{}`",
            relative_to(input.dir, s)
        ),
        (None, Some(s)) => format!("did you mean `{}`?", relative_to(input.dir, s)),
        (None, None) if target.ends_with(".md") => {
            "check the file name; links are relative to this file".to_string()
        }
        (None, None) => {
            "check the file name; links are relative to this file and files must live in `content/`"
                .to_string()
        }
    };
    r.diags.push(
        Diagnostic::error_at(
            input.source,
            range.clone(),
            format!("{what} to missing file `{path}`"),
        )
        .with_hint(hint),
    );
    "#".into()
}

/// `target` (under `content/`) written relative to `dir`.
fn relative_to(dir: &str, target: &str) -> String {
    let from = if dir.is_empty() {
        "x".to_string()
    } else {
        format!("{dir}/x")
    };
    relative_url(&from, target).into_owned()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Joins a relative path onto a folder under `content/`, resolving `.` and
/// `..`; `None` when it climbs out of `content/`.
pub fn normalize(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for c in rel.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placements_and_slugs() {
        assert_eq!(
            exercise_placement("{{ exercise: motivation-map }}"),
            Some("motivation-map")
        );
        assert_eq!(exercise_placement("{{exercise:x}}"), Some("x"));
        assert_eq!(exercise_placement("{{ other: x }}"), None);
        assert_eq!(heading_slug("hb-main"), "h-hb-main");
        assert_eq!(heading_slug("<>&"), "section");
    }

    #[test]
    fn schemes() {
        assert_eq!(scheme("JavaScript:alert(1)").as_deref(), Some("javascript"));
        assert_eq!(
            scheme("java\tscript:alert(1)").as_deref(),
            Some("javascript")
        );
        assert_eq!(scheme("lesson.md"), None);
        assert_eq!(scheme("https://x").as_deref(), Some("https"));
    }

    /// The place of `needle` (in a scalar's value) in the YAML file.
    fn place(yaml: &str, key: &str, value: &str, needle: &str) -> Option<String> {
        let loc = Locator::new(yaml);
        let i = value.find(needle).unwrap();
        let r = yaml_text_range(yaml, loc.value(key)?, value, i..i + needle.len())?;
        let (line, col) = crate::diag::line_col(yaml, r.start);
        Some(format!("{line}:{col} {}", &yaml[r]))
    }

    #[test]
    fn yaml_values_map_back_to_the_file() {
        let y = "a: |\n  one\n\n    two [x](y.md)\nb: >-\n  folded\n  more [z](w.md)\n";
        assert_eq!(
            place(y, "a", "one\n\n  two [x](y.md)\n", "[x](y.md)").as_deref(),
            Some("4:9 [x](y.md)")
        );
        assert_eq!(
            place(y, "b", "folded more [z](w.md)", "[z](w.md)").as_deref(),
            Some("7:8 [z](w.md)")
        );
        let y = "steps:\n  - plain [a](b.md)\n    goes on [c](d.md)\n  - text: \"q [e](f.md)\"\n";
        assert_eq!(
            place(
                y,
                "steps.0",
                "plain [a](b.md) goes on [c](d.md)",
                "[c](d.md)"
            )
            .as_deref(),
            Some("3:13 [c](d.md)")
        );
        assert_eq!(
            place(y, "steps.1.text", "q [e](f.md)", "[e](f.md)").as_deref(),
            Some("4:14 [e](f.md)")
        );
        // An escape: the texts differ, and no place is guessed.
        let y = "a: \"\\u0041 [x](y.md)\"\n";
        assert_eq!(place(y, "a", "A [x](y.md)", "[x](y.md)"), None);
        // A link over two lines of a block scalar spans both.
        let y = "a: |\n  see [the\n  notes](n.md)\n";
        assert_eq!(
            place(y, "a", "see [the\nnotes](n.md)\n", "[the\nnotes](n.md)").as_deref(),
            Some("2:7 [the\n  notes](n.md)")
        );
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("a/b", "../c/d.md").as_deref(), Some("a/c/d.md"));
        assert_eq!(normalize("a", "../../x.md"), None);
        assert_eq!(percent_decode("a%20b.md"), "a b.md");
    }
}
