//! Stage 7: the search index, built from the same parse as the pages.
//!
//! Everything is written as classic scripts under `_search/`, so that search
//! works from `file://` (no fetch, no modules, no workers). Each script calls
//! `window.__hbSearch.push([key, data])`; `search.js` injects them on demand.
//!
//! | file | holds | loaded |
//! | --- | --- | --- |
//! | `manifest.js` | counts, shard boundaries, chapters, stop words | on first search |
//! | `v/N.js` | a range of the sorted vocabulary: word → index term | per query word |
//! | `t/N.js` | a range of the sorted index terms: the best postings | per query term |
//! | `r/N.js` | the rest of one frequent term's postings | phrases, filters, long lists |
//! | `d/N.js` | one page or exercise: titles, URLs, crumbs, text | top results only |
//!
//! A *document* is what a result links to: a lesson (its title and the text
//! before its first heading), each section under a heading, a chapter
//! introduction, or an exercise. Documents are numbered in reading order,
//! with exercises right after their lesson, so a chapter is a range of
//! numbers and the chapter filter needs no per-document data.
//!
//! Scores are BM25F with field weights (title, then headings, then body),
//! computed here and quantised to one character per posting; the browser
//! adds phrase and proximity boosts from the stored positions.

pub mod encode;
pub mod text;

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::exercise::Exercise;
use crate::markdown::Rendered;
use crate::model::{Book, PageKind};
use crate::OutputFile;

use encode::{fixed, shard, varint};
use text::Analyzer;

pub struct Inputs<'a> {
    pub config: &'a Config,
    pub book: &'a Book,
    pub rendered: &'a [Arc<Rendered>],
    pub exercises: &'a [Exercise],
}

/// Tuning. The sizes are targets in bytes of one shard file.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Postings kept in a term's main shard (the best-scoring ones); the
    /// rest go to a separate file loaded only when needed.
    pub head: usize,
    /// Positions kept per term per document (for phrases and proximity).
    pub positions: usize,
    pub term_shard: usize,
    pub vocab_shard: usize,
    /// Target size of a file of tails (a frequent term's further postings).
    pub tail_shard: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            head: 200,
            positions: 8,
            term_shard: 20_000,
            vocab_shard: 12_000,
            tail_shard: 48_000,
        }
    }
}

/// The most positions [`Limits::positions`] can keep.
pub const MAX_POSITIONS: usize = 8;

/// Field weights and BM25 length normalisation, per field.
const FIELD_WEIGHT: [f32; 3] = [6.0, 2.5, 1.0];
const FIELD_B: [f32; 3] = [0.3, 0.5, 0.75];
const K1: f32 = 1.2;

/// The index files, or nothing when the settings are wrong.
pub fn build_index(inputs: &Inputs<'_>) -> Vec<OutputFile> {
    build(inputs).0
}

/// The analyser the `[search]` settings ask for, or the problem with them.
pub fn analyzer(config: &Config) -> Result<Analyzer, Diagnostic> {
    let stemmer = config.book.search.stemmer.as_ref();
    Analyzer::new(&config.book.language, stemmer.map(|s| s.get_ref().as_str())).map_err(|name| {
        let span = stemmer.map(|s| s.span()).unwrap_or(0..0);
        Diagnostic::error_at(
            &config.book_source,
            span,
            format!("no stemmer for `{name}`"),
        )
        .with_hint(format!("use one of {}", text::STEMMER_NAMES))
    })
}

/// The index files and any problem with the `[search]` settings.
pub fn build(inputs: &Inputs<'_>) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    match build_until(inputs, &|| false) {
        Ok(files) => (files.unwrap_or_default(), Vec::new()),
        Err(d) => (Vec::new(), vec![d]),
    }
}

/// [`build`] that gives up, with `Ok(None)`, once `stop()` says so (it is
/// asked between steps): `handbook serve` drops an index that a newer
/// build has made pointless.
pub fn build_until(
    inputs: &Inputs<'_>,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<OutputFile>>, Diagnostic> {
    let analyzer = analyzer(inputs.config)?;
    let t0 = std::time::Instant::now();
    let entries = collect(inputs);
    let timing = std::env::var_os("HB_SEARCH_TIMING").is_some();
    if timing {
        eprintln!("search: collect {:?}", t0.elapsed());
    }
    if stop() {
        return Ok(None);
    }
    Ok(build_files_until(
        &entries,
        &analyzer,
        &Limits::default(),
        stop,
    ))
}

/// One searchable unit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DocText<'a> {
    pub title: String,
    /// Fragment id on the entry's page; empty for the page itself.
    pub anchor: String,
    /// Middle-weight text: headings above a section, a lesson's summary and
    /// objectives, an exercise's kind, objectives and competencies.
    pub head: String,
    /// Borrowed from the page's parse where possible.
    pub body: Cow<'a, str>,
}

/// A page or an exercise: one file of documents.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// `page` (home), `chapter`, `lesson` or `exercise`.
    pub kind: &'static str,
    /// Output path, relative to the site root.
    pub url: String,
    pub title: String,
    /// Titles of the chapters (and lesson) above it.
    pub crumbs: Vec<String>,
    /// Exercise kind, shown with the result.
    pub label: Option<&'static str>,
    /// Book sections (chapters) that contain it, for the chapter filter.
    pub chapters: Vec<usize>,
    pub docs: Vec<DocText<'a>>,
}

fn squash(s: &str) -> String {
    // Runs of ASCII white space become one space; other spaces are kept.
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if start < i {
            if !out.is_empty() {
                out.push(' ');
            }
            // ASCII white space never splits a UTF-8 sequence.
            out.push_str(&s[start..i]);
        }
    }
    out
}

fn join<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for p in parts {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(if out.ends_with(['.', '!', '?', ':']) {
                " "
            } else {
                ". "
            });
        }
        out.push_str(p);
    }
    squash(&out)
}

/// Chapters (book sections, not the root) containing a page.
fn chapter_chain(book: &Book, page: usize) -> Vec<usize> {
    let p = &book.pages[page];
    if p.kind == PageKind::Home {
        return Vec::new();
    }
    let mut chain = Vec::new();
    let mut s = Some(p.section);
    while let Some(i) = s {
        if i != 0 {
            chain.push(i);
        }
        s = book.sections[i].parent;
    }
    chain
}

/// The documents of the book, in reading order.
pub fn collect<'a>(inputs: &Inputs<'a>) -> Vec<Entry<'a>> {
    let book = inputs.book;
    let mut by_lesson: HashMap<usize, Vec<&Exercise>> = HashMap::new();
    let mut orphans = Vec::new();
    for e in inputs.exercises {
        match e.lesson {
            Some(l) => by_lesson.entry(l).or_default().push(e),
            None => orphans.push(e),
        }
    }
    let pages: Vec<Vec<Entry<'a>>> = (0..book.pages.len())
        .into_par_iter()
        .map(|i| {
            let mut v = vec![page_entry(inputs, i)];
            if let Some(list) = by_lesson.get(&i) {
                v.extend(list.iter().map(|e| exercise_entry(inputs, e)));
            }
            v
        })
        .collect();
    let mut entries: Vec<Entry<'a>> = pages.into_iter().flatten().collect();
    entries.extend(orphans.into_iter().map(|e| exercise_entry(inputs, e)));
    entries
}

fn page_entry<'a>(inputs: &Inputs<'a>, i: usize) -> Entry<'a> {
    let book = inputs.book;
    let p = &book.pages[i];
    let r = &inputs.rendered[i];
    let front = &p.parsed.front;
    let crumbs = book
        .ancestors(i)
        .into_iter()
        .map(|a| book.pages[a].title().to_string())
        .collect();
    let mut head_parts: Vec<&str> = Vec::new();
    if let Some(s) = &front.summary {
        head_parts.push(s);
    }
    head_parts.extend(front.objectives.iter().map(String::as_str));
    head_parts.extend(front.tags.iter().map(String::as_str));
    let mut intros = r.sections.iter().filter(|s| s.heading.is_none());
    let intro: Cow<'a, str> = match (intros.next(), intros.next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(one), None) => Cow::Borrowed(one.text.trim()),
        _ => Cow::Owned(join(
            r.sections
                .iter()
                .filter(|s| s.heading.is_none())
                .map(|s| s.text.as_str()),
        )),
    };
    let mut docs = vec![DocText {
        title: p.title().to_string(),
        anchor: String::new(),
        head: join(head_parts),
        body: intro,
    }];
    for s in &r.sections {
        let Some(h) = s.heading else { continue };
        let heading = &r.headings[h];
        // The headings above this one, outermost first.
        let mut above: Vec<&str> = Vec::new();
        let mut level = heading.level;
        for prev in r.headings[..h].iter().rev() {
            if prev.level < level {
                above.push(&prev.text);
                level = prev.level;
            }
        }
        above.reverse();
        docs.push(DocText {
            title: heading.text.clone(),
            anchor: heading.id.clone(),
            head: join(above),
            // Markdown's text has single spaces but for block ends: kept as it is.
            body: Cow::Borrowed(s.text.trim()),
        });
    }
    Entry {
        kind: match p.kind {
            PageKind::Home => "page",
            PageKind::Chapter => "chapter",
            PageKind::Lesson => "lesson",
        },
        url: p.out.clone(),
        title: p.title().to_string(),
        crumbs,
        label: None,
        chapters: chapter_chain(book, i),
        docs,
    }
}

const FACILITATOR_MARK: &str = "[!FACILITATOR]";

/// Plain text of simple Markdown without a parser: block markers, emphasis,
/// code ticks, table pipes and link targets removed. `None` for anything a
/// parser must see: HTML, callouts (`[!...]`), reference links, fences.
fn quick_text(md: &str) -> Option<String> {
    if md.contains(['<', '&'])
        || md.contains("[!")
        || md.contains("]:")
        || md.contains("```")
        || md.contains("~~~")
    {
        return None;
    }
    let mut out = String::with_capacity(md.len());
    for line in md.lines() {
        let mut l = line.trim_start();
        while let Some(r) = l.strip_prefix('>') {
            l = r.trim_start();
        }
        l = l.trim_start_matches('#').trim_start();
        if l.bytes()
            .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'=' | b'*' | b'_'))
        {
            // Table rules, thematic breaks, setext underlines.
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            continue;
        }
        for m in ["- ", "* ", "+ "] {
            if let Some(r) = l.strip_prefix(m) {
                l = r;
                break;
            }
        }
        let digits = l.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && (l[digits..].starts_with(". ") || l[digits..].starts_with(") ")) {
            l = &l[digits + 2..];
        }
        for m in ["[ ] ", "[x] ", "[X] "] {
            if let Some(r) = l.strip_prefix(m) {
                l = r;
                break;
            }
        }
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        let mut chars = l.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' | '_' | '`' => {}
                '|' => out.push(' '),
                '\\' => {
                    if let Some(&n) = chars.peek() {
                        if n.is_ascii_punctuation() {
                            out.push(n);
                            chars.next();
                            continue;
                        }
                    }
                    out.push(c);
                }
                '!' if chars.peek() == Some(&'[') => {}
                '[' => {}
                ']' => {
                    // `[text](target)`: drop the target.
                    if chars.peek() == Some(&'(') {
                        let mut depth = 0;
                        for n in chars.by_ref() {
                            match n {
                                '(' => depth += 1,
                                ')' => {
                                    depth -= 1;
                                    if depth == 0 {
                                        break;
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                c => out.push(c),
            }
        }
    }
    Some(squash(&out))
}

/// Plain text of Markdown held in an exercise field. A light pass over the
/// parser's events with the page renderer's rules for text: raw HTML counts
/// as text unless `allow-html` is on, and `[!FACILITATOR]` callouts are left
/// out of the participant edition.
fn md_text(inputs: &Inputs<'_>, text: &str) -> String {
    if let Some(t) = quick_text(text) {
        return t;
    }
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let md = &inputs.config.book.markdown;
    let facilitator = inputs.config.edition.is_facilitator();
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM;
    if md.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let events: Vec<Event<'_>> = Parser::new_ext(text, opts).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::BlockQuote(None)) => {
                let marked = matches!(events.get(i + 1), Some(Event::Start(Tag::Paragraph)))
                    && matches!(events.get(i + 2), Some(Event::Text(t)) if t.trim_start().starts_with(FACILITATOR_MARK));
                if marked && !facilitator {
                    // Skip to the end of the block quote.
                    let mut depth = 0usize;
                    while i < events.len() {
                        match &events[i] {
                            Event::Start(_) => depth += 1,
                            Event::End(_) => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        i += 1;
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                let t = t.trim_start().strip_prefix(FACILITATOR_MARK).unwrap_or(t);
                out.push_str(t);
            }
            Event::Html(t) | Event::InlineHtml(t) if !md.allow_html => out.push_str(t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::Heading(_)
                | TagEnd::BlockQuote(_),
            ) => out.push(' '),
            _ => {}
        }
        i += 1;
    }
    squash(&out)
}

fn exercise_entry<'a>(inputs: &Inputs<'a>, e: &Exercise) -> Entry<'a> {
    let book = inputs.book;
    let d = &e.data;
    let facilitator = inputs.config.edition.is_facilitator();
    let (crumbs, chapters) = match e.lesson {
        Some(l) => {
            let mut c: Vec<String> = book
                .ancestors(l)
                .into_iter()
                .map(|a| book.pages[a].title().to_string())
                .collect();
            c.push(book.pages[l].title().to_string());
            (c, chapter_chain(book, l))
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut head: Vec<&str> = vec![d.kind.label()];
    head.extend(d.objectives.iter().map(String::as_str));
    head.extend(d.competencies.iter().map(String::as_str));
    head.extend(d.tags.iter().map(String::as_str));
    let mut body: Vec<String> = Vec::new();
    if let Some(a) = &d.audience {
        body.push(a.clone());
    }
    if let Some(p) = &d.preparation {
        body.push(md_text(inputs, p));
    }
    body.extend(d.steps.iter().map(|s| md_text(inputs, s.text())));
    body.extend(d.materials.iter().cloned());
    body.extend(d.variations.iter().map(|v| md_text(inputs, v)));
    for q in &d.questions {
        body.push(md_text(inputs, &q.question));
        body.extend(q.choices.iter().cloned());
    }
    if facilitator {
        body.extend(d.debrief.iter().cloned());
        if let Some(n) = &d.facilitator_notes {
            body.push(md_text(inputs, n));
        }
    }
    Entry {
        kind: "exercise",
        url: e.out.clone(),
        title: d.title.clone(),
        crumbs,
        label: Some(d.kind.label()),
        chapters,
        docs: vec![DocText {
            title: d.title.clone(),
            anchor: String::new(),
            head: join(head),
            body: Cow::Owned(join(body.iter().map(String::as_str))),
        }],
    }
}

/// Compares as JavaScript compares strings (by UTF-16 code units), so the
/// browser's binary searches agree with the order written here.
pub fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// FxHash: a fast hash for the many short keys of indexing (not for
/// untrusted keys in long-lived tables; the build's inputs are the author's).
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u128(&mut self, w: u128) {
        self.write_u64(w as u64);
        self.write_u64((w >> 64) as u64);
    }
    fn write_u64(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// Documents analysed by one task: words get numbers local to the chunk,
/// and each document's words are counted as they are read.
struct Chunk {
    /// Folded words, by local number.
    words: Vec<Box<str>>,
    /// One per document and word, in document order.
    recs: Vec<Rec>,
    /// Positions of the records (see [`Rec::pos`]).
    pos: Vec<u32>,
    lens: Vec<[u32; 3]>,
}

/// One document's use of one word (later: of one term).
#[derive(Clone, Copy)]
struct Rec {
    /// Local word number (after inversion: unused).
    word: u32,
    doc: u32,
    tf: [u16; 3],
    npos: u16,
    /// Offset of the positions in the owner's position list.
    pos: u32,
}

// `pos` runs on across fields and words (with gaps), not once per field.
#[allow(clippy::explicit_counter_loop)]
fn analyse_chunk(docs: &[&DocText<'_>], first_doc: u32, an: &Analyzer, limits: &Limits) -> Chunk {
    let cap = limits.positions.min(MAX_POSITIONS);
    let mut dict: FxMap<Box<str>, u32> = FxMap::default();
    let mut short: FxMap<u128, u32> = FxMap::default();
    let mut words: Vec<Box<str>> = Vec::new();
    // Per word: stop word?, and its slot in the current document.
    let mut stop: Vec<bool> = Vec::new();
    let mut slot: Vec<u32> = Vec::new();
    let mut stamp: Vec<u32> = Vec::new();
    let mut occ: Vec<(u32, [u16; 3], u8, [u32; MAX_POSITIONS])> = Vec::new();
    // Sized from the text (about a record per ten bytes, a position per
    // seven): growing these by doubling was a visible part of the build.
    let bytes: usize = docs
        .iter()
        .map(|d| d.title.len() + d.head.len() + d.body.len())
        .sum();
    let mut recs: Vec<Rec> = Vec::with_capacity(bytes / 10 + 16);
    let mut pos_out: Vec<u32> = Vec::with_capacity(bytes / 7 + 16);
    let mut lens = Vec::with_capacity(docs.len());
    let mut buf = String::new();
    for (i, d) in docs.iter().enumerate() {
        occ.clear();
        let mut len = [0u32; 3];
        let mut pos: u32 = 0;
        for (f, field) in [&*d.title, &*d.head, &*d.body].into_iter().enumerate() {
            text::scan(field, &mut buf, |t| {
                let p = pos;
                pos += 1;
                let mut new_word = |w: &str| {
                    words.push(w.into());
                    stop.push(an.is_stop(w));
                    slot.push(0);
                    stamp.push(u32::MAX);
                    words.len() as u32 - 1
                };
                let w = match t {
                    text::Scanned::Dropped => return,
                    text::Scanned::Short(key, raw) => *short.entry(key).or_insert_with(|| {
                        new_word(&String::from_utf8_lossy(raw).to_ascii_lowercase())
                    }),
                    text::Scanned::Folded(w) => match dict.get(w) {
                        Some(&id) => id,
                        None => {
                            let id = new_word(w);
                            dict.insert(w.into(), id);
                            id
                        }
                    },
                };
                len[f] += 1;
                let w = w as usize;
                // Stop words are scored only in titles, for queries made of nothing else.
                if f != 0 && stop[w] {
                    return;
                }
                let k = if stamp[w] == i as u32 {
                    slot[w] as usize
                } else {
                    stamp[w] = i as u32;
                    slot[w] = occ.len() as u32;
                    occ.push((w as u32, [0; 3], 0, [0; MAX_POSITIONS]));
                    occ.len() - 1
                };
                let o = &mut occ[k];
                o.1[f] = o.1[f].saturating_add(1);
                if (o.2 as usize) < cap {
                    o.3[o.2 as usize] = p;
                    o.2 += 1;
                }
            });
            // A gap between fields: phrases do not run across them.
            pos += 1;
        }
        lens.push(len);
        for (w, tf, np, ps) in &occ {
            recs.push(Rec {
                word: *w,
                doc: first_doc + i as u32,
                tf: *tf,
                npos: u16::from(*np),
                pos: pos_out.len() as u32,
            });
            pos_out.extend_from_slice(&ps[..*np as usize]);
        }
    }
    Chunk {
        words,
        recs,
        pos: pos_out,
        lens,
    }
}

/// A chunk's postings, grouped by term.
struct Inverted {
    /// Postings of term `t`: `recs[start[t]..start[t + 1]]`, in document order.
    start: Vec<u32>,
    recs: Vec<Rec>,
    pos: Vec<u32>,
}

/// Groups a chunk's records by term. Two words of one term in one document
/// (`manager`, `managers`) become one record.
fn invert_chunk(chunk: &Chunk, term_of: &[u32], n_terms: usize, limits: &Limits) -> Inverted {
    let cap = limits.positions.min(MAX_POSITIONS);
    // Counting sort by term; documents stay in order within a term.
    let mut start = vec![0u32; n_terms + 1];
    for r in &chunk.recs {
        start[term_of[r.word as usize] as usize + 1] += 1;
    }
    for t in 0..n_terms {
        start[t + 1] += start[t];
    }
    let mut fill = start.clone();
    let mut order = vec![0u32; chunk.recs.len()];
    for (i, r) in chunk.recs.iter().enumerate() {
        let t = term_of[r.word as usize] as usize;
        order[fill[t] as usize] = i as u32;
        fill[t] += 1;
    }
    // Records and positions in term order (the chunk is small enough to
    // reorder in cache), merging records of the same document and term.
    let mut recs: Vec<Rec> = Vec::with_capacity(order.len());
    let mut pos: Vec<u32> = Vec::with_capacity(chunk.pos.len());
    let mut new_start = vec![0u32; n_terms + 1];
    for t in 0..n_terms {
        new_start[t] = recs.len() as u32;
        for &i in &order[start[t] as usize..start[t + 1] as usize] {
            let r = chunk.recs[i as usize];
            let ps = &chunk.pos[r.pos as usize..r.pos as usize + r.npos as usize];
            let same_term = recs.len() as u32 > new_start[t];
            match recs.last_mut() {
                Some(last) if same_term && last.doc == r.doc => {
                    for f in 0..3 {
                        last.tf[f] = last.tf[f].saturating_add(r.tf[f]);
                    }
                    let a = last.pos as usize;
                    pos.extend_from_slice(ps);
                    let merged = &mut pos[a..];
                    merged.sort_unstable();
                    let n = merged.len().min(cap);
                    pos.truncate(a + n);
                    last.npos = n as u16;
                }
                _ => {
                    recs.push(Rec {
                        pos: pos.len() as u32,
                        ..r
                    });
                    pos.extend_from_slice(ps);
                }
            }
        }
    }
    new_start[n_terms] = recs.len() as u32;
    Inverted {
        start: new_start,
        recs,
        pos,
    }
}

/// Quantises scores to 1..=63 on a log scale up to `max` (the browser
/// decodes level `q` as `exp(q / 63 * ln(1 + max)) - 1`).
struct Quantizer {
    scale: f32,
}

impl Quantizer {
    fn new(max: f32) -> Quantizer {
        Quantizer {
            scale: 63.0 / (1.0 + max).ln(),
        }
    }
    fn level(&self, s: f32) -> u32 {
        ((fast_ln(1.0 + s.max(0.0)) * self.scale).round() as u32).clamp(1, 63)
    }
}

/// ln(x) for x >= 1, to about 1e-4: the exponent, and a polynomial for the
/// mantissa's log2. Branch-free, for the millions of scores of a big book.
fn fast_ln(x: f32) -> f32 {
    let bits = x.to_bits();
    let e = ((bits >> 23) & 255) as i32 - 127;
    let m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    let p =
        -2.496_846 + (4.028_547_5 + (-2.081_213_7 + (0.628_873_4 - 0.079_158_13 * m) * m) * m) * m;
    (e as f32 + p) * std::f32::consts::LN_2
}

/// Appends one posting: document delta, quantised score, positions.
fn encode_posting(out: &mut Vec<u8>, delta: u32, level: u32, positions: &[u32]) {
    encode::varint_bytes(out, u64::from(delta));
    out.push(encode::ALPHABET[level as usize]);
    encode::varint_bytes(out, positions.len() as u64);
    let mut last = 0u32;
    for &x in positions {
        encode::varint_bytes(out, u64::from(x - last));
        last = x;
    }
}

fn ascii_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("the encoding alphabet is ASCII")
}

#[derive(Serialize)]
struct ChapterOut<'a> {
    title: &'a str,
    url: &'a str,
    /// Index of the parent chapter in this list, or -1.
    parent: i64,
    depth: usize,
    /// Documents `first..end` belong to this chapter.
    first: u32,
    end: u32,
}

#[derive(Serialize)]
struct Manifest<'a> {
    /// Format version.
    v: u32,
    /// Number of documents and of document files (`d/N.js`).
    docs: u32,
    groups: u32,
    /// Documents per document file, as variable-length numbers.
    per_group: String,
    /// Exercise documents, as deltas (for the "exercises only" filter).
    exercises: String,
    /// Top of the impact scale (see `Quantizer`).
    imax: f32,
    /// First word of each vocabulary shard, and first term of each term shard.
    vocab: Vec<&'a str>,
    terms: Vec<&'a str>,
    chapters: Vec<ChapterOut<'a>>,
    stop: &'static [&'static str],
    stemmer: Option<&'static str>,
    head: usize,
}

/// One file of documents: a page and the exercises placed after it.
#[derive(Serialize)]
struct GroupOut<'a> {
    first: u32,
    entries: Vec<EntryOut<'a>>,
}

#[derive(Serialize)]
struct EntryOut<'a> {
    kind: &'static str,
    url: &'a str,
    title: &'a str,
    crumbs: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'static str>,
    /// First document number.
    first: u32,
    /// `[title, anchor, head, body]` per document.
    docs: Vec<[&'a str; 4]>,
}

/// Splits sorted items into consecutive runs of about `target` bytes.
pub fn cut_shards(sizes: &[usize], target: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut acc = 0;
    for (i, &s) in sizes.iter().enumerate() {
        if acc > 0 && acc + s > target {
            out.push(start..i);
            start = i;
            acc = 0;
        }
        acc += s;
    }
    if start < sizes.len() {
        out.push(start..sizes.len());
    }
    out
}

/// Vocabulary entry: `<shared prefix length><frequency class><suffix>[,<cut><append>]`,
/// lengths in UTF-16 units, entries joined by `|`.
fn vocab_entry(out: &mut String, prev: &str, word: &str, stem: &str, freq: u32) {
    let shared = common_prefix_utf16(prev, word).min(63);
    fixed(out, shared as u32);
    fixed(out, freq);
    out.push_str(&utf16_suffix(word, shared));
    if stem != word {
        let keep = common_prefix_utf16(word, stem);
        let cut = text::js_len(word) - keep;
        out.push(',');
        fixed(out, cut as u32);
        out.push_str(&utf16_suffix(stem, keep));
    }
}

fn common_prefix_utf16(a: &str, b: &str) -> usize {
    let mut n = 0;
    for (x, y) in a.chars().zip(b.chars()) {
        if x != y {
            break;
        }
        n += x.len_utf16();
    }
    n
}

fn utf16_suffix(s: &str, units: usize) -> String {
    let mut n = 0;
    for (i, c) in s.char_indices() {
        if n >= units {
            return s[i..].to_string();
        }
        n += c.len_utf16();
    }
    String::new()
}

fn file(path: String, bytes: Vec<u8>) -> OutputFile {
    OutputFile::new(path, bytes)
}

/// Analyses the documents and writes every shard.
pub fn build_files(entries: &[Entry<'_>], an: &Analyzer, limits: &Limits) -> Vec<OutputFile> {
    build_files_until(entries, an, limits, &|| false).unwrap_or_default()
}

/// [`build_files`] that gives up, returning `None`, as soon as `stop()`
/// says so between its steps.
pub fn build_files_until(
    entries: &[Entry<'_>],
    an: &Analyzer,
    limits: &Limits,
    stop: &(dyn Fn() -> bool + Sync),
) -> Option<Vec<OutputFile>> {
    let t0 = std::time::Instant::now();
    let timing = std::env::var_os("HB_SEARCH_TIMING").is_some();
    // Reports the step's time; says whether to give up.
    let lap = |what: &str| {
        if timing {
            eprintln!("search: {what} at {:?}", t0.elapsed());
        }
        stop()
    };
    // Documents, numbered in entry order.
    let mut docs: Vec<&DocText<'_>> = Vec::new();
    let mut first_doc: Vec<u32> = Vec::with_capacity(entries.len());
    for e in entries {
        first_doc.push(docs.len() as u32);
        docs.extend(e.docs.iter());
    }
    let n_docs = docs.len() as u32;

    // 1. Tokenise and fold, in chunks of documents (in parallel).
    let chunk_size = docs.len().div_ceil(64).max(16);
    let chunks: Vec<Chunk> = docs
        .par_chunks(chunk_size)
        .enumerate()
        .map(|(k, c)| analyse_chunk(c, (k * chunk_size) as u32, an, limits))
        .collect();
    if lap("tokenise") {
        return None;
    }

    // 2. The vocabulary: each folded word once, stemmed once.
    let mut surface_id: FxMap<&str, u32> = FxMap::default();
    let mut surfaces: Vec<&str> = Vec::new();
    let remap: Vec<Vec<u32>> = chunks
        .iter()
        .map(|c| {
            c.words
                .iter()
                .map(|w| {
                    *surface_id.entry(&**w).or_insert_with(|| {
                        surfaces.push(w);
                        surfaces.len() as u32 - 1
                    })
                })
                .collect()
        })
        .collect();
    drop(surface_id);
    let stop: Vec<bool> = surfaces.par_iter().map(|w| an.is_stop(w)).collect();
    let stems: Vec<std::borrow::Cow<'_, str>> = surfaces
        .par_iter()
        .zip(&stop)
        .map(|(w, &s)| {
            if s {
                std::borrow::Cow::Borrowed(*w)
            } else {
                an.stem(w)
            }
        })
        .collect();
    let mut term_id: FxMap<&str, u32> = FxMap::default();
    let mut terms: Vec<&str> = Vec::new();
    let term_of_surface: Vec<u32> = stems
        .iter()
        .map(|t| {
            *term_id.entry(t).or_insert_with(|| {
                terms.push(t);
                terms.len() as u32 - 1
            })
        })
        .collect();
    drop(term_id);
    let n_terms = terms.len();
    if lap("vocabulary") {
        return None;
    }
    if timing {
        eprintln!(
            "search: {} documents, {} words, {} terms",
            n_docs,
            surfaces.len(),
            n_terms
        );
    }

    // 3. Invert each chunk, then read each term's postings across chunks.
    let mut chunk_first = Vec::with_capacity(chunks.len());
    let mut acc = 0u32;
    for c in &chunks {
        chunk_first.push(acc);
        acc += c.lens.len() as u32;
    }
    let inverted: Vec<Inverted> = chunks
        .par_iter()
        .zip(&remap)
        .map(|(c, m)| {
            let term_of: Vec<u32> = m.iter().map(|&s| term_of_surface[s as usize]).collect();
            invert_chunk(c, &term_of, n_terms, limits)
        })
        .collect();
    let lens: Vec<[u32; 3]> = chunks.iter().flat_map(|c| c.lens.iter().copied()).collect();
    let mut avg = [0f32; 3];
    for l in &lens {
        for f in 0..3 {
            avg[f] += l[f] as f32;
        }
    }
    for a in &mut avg {
        *a = (*a / n_docs.max(1) as f32).max(1.0);
    }
    if lap("invert") {
        return None;
    }

    // Terms in the order the browser searches them; surface words per term.
    let mut order: Vec<u32> = (0..n_terms as u32).collect();
    order.par_sort_unstable_by(|&a, &b| js_cmp(terms[a as usize], terms[b as usize]));
    let mut vocab: Vec<u32> = (0..surfaces.len() as u32)
        .filter(|&s| !stop[s as usize])
        .collect();
    vocab.par_sort_unstable_by(|&a, &b| js_cmp(surfaces[a as usize], surfaces[b as usize]));
    let mut forms: Vec<Vec<&str>> = vec![Vec::new(); n_terms];
    for &s in &vocab {
        forms[term_of_surface[s as usize] as usize].push(surfaces[s as usize]);
    }

    // 4. Scores (BM25F) and encoding, one term per task. The top of the
    // scale is the best score possible: a term found in a single document.
    let n = n_docs as f32;
    let idf_of = |df: f32| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    let imax = idf_of(1.0) * (K1 + 1.0);
    let quant = Quantizer::new(imax);
    struct TermOut {
        df: usize,
        head: String,
        tail: Option<String>,
    }
    // Field weight over length normalisation, per document and field.
    let weight: Vec<[f32; 3]> = lens
        .par_iter()
        .map(|l| {
            let mut w = [0f32; 3];
            for f in 0..3 {
                w[f] = FIELD_WEIGHT[f] / (1.0 - FIELD_B[f] + FIELD_B[f] * l[f] as f32 / avg[f]);
            }
            w
        })
        .collect();
    let encoded: Vec<TermOut> = order
        .par_iter()
        .map(|&t| {
            let t = t as usize;
            let df: usize = inverted
                .iter()
                .map(|inv| (inv.start[t + 1] - inv.start[t]) as usize)
                .sum();
            let idf = idf_of(df as f32);
            let mut impact: Vec<f32> = Vec::with_capacity(df);
            for inv in &inverted {
                for r in &inv.recs[inv.start[t] as usize..inv.start[t + 1] as usize] {
                    let w = &weight[r.doc as usize];
                    let tfw = w[0] * f32::from(r.tf[0])
                        + w[1] * f32::from(r.tf[1])
                        + w[2] * f32::from(r.tf[2]);
                    impact.push(idf * tfw * (K1 + 1.0) / (K1 + tfw));
                }
            }
            // The head: the best `limits.head` postings (ties go to earlier documents).
            let (threshold, mut ties) = if df > limits.head {
                let mut sorted = impact.clone();
                let (_, &mut th, _) =
                    sorted.select_nth_unstable_by(limits.head - 1, |a, b| b.total_cmp(a));
                let above = impact.iter().filter(|&&x| x > th).count();
                (th, limits.head - above)
            } else {
                (f32::NEG_INFINITY, usize::MAX)
            };
            let n_head = df.min(limits.head);
            let mut head = Vec::with_capacity(n_head * 8 + 8);
            encode::varint_bytes(&mut head, df as u64);
            encode::varint_bytes(&mut head, n_head as u64);
            let mut tail = (df > limits.head).then(|| Vec::with_capacity((df - n_head) * 6));
            let (mut prev_head, mut prev_tail) = (0u32, 0u32);
            let mut k = 0;
            for inv in &inverted {
                for r in &inv.recs[inv.start[t] as usize..inv.start[t + 1] as usize] {
                    let x = impact[k];
                    k += 1;
                    let ps = &inv.pos[r.pos as usize..][..r.npos as usize];
                    let in_head = x > threshold
                        || (x == threshold && ties > 0 && {
                            ties -= 1;
                            true
                        });
                    let (out, prev) = match (in_head, tail.as_mut()) {
                        (false, Some(tl)) => (tl, &mut prev_tail),
                        _ => (&mut head, &mut prev_head),
                    };
                    encode_posting(out, r.doc - *prev, quant.level(x), ps);
                    *prev = r.doc;
                }
            }
            TermOut {
                df,
                head: ascii_string(head),
                tail: tail.map(ascii_string),
            }
        })
        .collect();
    drop(inverted);
    if lap("score and encode") {
        return None;
    }

    let mut files: Vec<OutputFile> = Vec::new();
    // Tails, in term order, packed into files of about `limits.tail_shard`
    // bytes; a term's row names the file of its tail.
    let with_tail: Vec<usize> = (0..encoded.len())
        .filter(|&i| encoded[i].tail.is_some())
        .collect();
    let tail_sizes: Vec<usize> = with_tail
        .iter()
        .map(|&i| encoded[i].tail.as_ref().map_or(0, String::len) + 16)
        .collect();
    let tail_ranges = cut_shards(&tail_sizes, limits.tail_shard);
    let mut tail_ids: Vec<i64> = vec![-1; encoded.len()];
    for (k, r) in tail_ranges.iter().enumerate() {
        for &i in &with_tail[r.clone()] {
            tail_ids[i] = k as i64;
        }
    }
    files.par_extend(tail_ranges.par_iter().enumerate().map(|(k, r)| {
        let data: Vec<(&str, &str)> = with_tail[r.clone()]
            .iter()
            .map(|&i| {
                (
                    terms[order[i] as usize],
                    encoded[i].tail.as_deref().unwrap_or(""),
                )
            })
            .collect();
        file(format!("_search/r/{k}.js"), shard(&format!("r{k}"), &data))
    }));

    // Term shards: runs of rows [term, postings, surface words, tail id or -1].
    let rows: Vec<usize> = (0..order.len()).filter(|&i| encoded[i].df > 0).collect();
    let row_forms: Vec<String> = rows
        .par_iter()
        .map(|&i| forms[order[i] as usize].join(" "))
        .collect();
    let sizes: Vec<usize> = rows
        .iter()
        .zip(&row_forms)
        .map(|(&i, f)| terms[order[i] as usize].len() + encoded[i].head.len() + f.len() + 16)
        .collect();
    let term_ranges = cut_shards(&sizes, limits.term_shard);
    let term_bounds: Vec<&str> = term_ranges
        .iter()
        .map(|r| terms[order[rows[r.start]] as usize])
        .collect();
    files.par_extend(term_ranges.par_iter().enumerate().map(|(k, r)| {
        let data: Vec<(&str, &str, &str, i64)> = (r.start..r.end)
            .map(|j| {
                let i = rows[j];
                (
                    terms[order[i] as usize],
                    encoded[i].head.as_str(),
                    row_forms[j].as_str(),
                    tail_ids[i],
                )
            })
            .collect();
        file(format!("_search/t/{k}.js"), shard(&format!("t{k}"), &data))
    }));
    if lap("term files") {
        return None;
    }

    // 5. Vocabulary shards: word → term, with a frequency class.
    let mut df_of_term = vec![0usize; n_terms];
    for (i, &t) in order.iter().enumerate() {
        df_of_term[t as usize] = encoded[i].df;
    }
    let freq = |t: u32| -> u32 {
        let df = df_of_term[t as usize] as f64;
        ((df + 1.0).log2().ceil() as u32).min(63)
    };
    let vocab_sizes: Vec<usize> = vocab
        .iter()
        .map(|&s| surfaces[s as usize].len() + 6)
        .collect();
    let vocab_ranges = cut_shards(&vocab_sizes, limits.vocab_shard);
    let vocab_bounds: Vec<&str> = vocab_ranges
        .iter()
        .map(|r| surfaces[vocab[r.start] as usize])
        .collect();
    files.par_extend(vocab_ranges.par_iter().enumerate().map(|(k, r)| {
        let mut s = String::new();
        let mut prev = "";
        for &v in &vocab[r.clone()] {
            if !s.is_empty() {
                s.push('|');
            }
            let w = surfaces[v as usize];
            let t = term_of_surface[v as usize];
            vocab_entry(&mut s, prev, w, terms[t as usize], freq(t));
            prev = w;
        }
        file(format!("_search/v/{k}.js"), shard(&format!("v{k}"), &s))
    }));
    if lap("vocabulary files") {
        return None;
    }

    // 6. One file per page, holding the exercises placed after it too.
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if e.kind == "exercise" => g.end = k + 1,
            _ => groups.push(k..k + 1),
        }
    }
    files.par_extend(groups.par_iter().enumerate().map(|(g, r)| {
        let out = GroupOut {
            first: first_doc[r.start],
            entries: r
                .clone()
                .map(|k| {
                    let e = &entries[k];
                    EntryOut {
                        kind: e.kind,
                        url: &e.url,
                        title: &e.title,
                        crumbs: &e.crumbs,
                        label: e.label,
                        first: first_doc[k],
                        docs: e
                            .docs
                            .iter()
                            .map(|d| [d.title.as_str(), &d.anchor, &d.head, &*d.body])
                            .collect(),
                    }
                })
                .collect(),
        };
        file(format!("_search/d/{g}.js"), shard(&format!("d{g}"), &out))
    }));
    if lap("document files") {
        return None;
    }

    // 7. The manifest.
    let mut per_group = String::new();
    for r in &groups {
        let n: usize = entries[r.clone()].iter().map(|e| e.docs.len()).sum();
        varint(&mut per_group, n as u64);
    }
    let mut exercises = String::new();
    let mut last_ex = 0u64;
    for (k, e) in entries.iter().enumerate() {
        if e.kind == "exercise" {
            for d in 0..e.docs.len() as u64 {
                let doc = u64::from(first_doc[k]) + d;
                varint(&mut exercises, doc - last_ex);
                last_ex = doc;
            }
        }
    }
    let manifest = Manifest {
        v: 1,
        docs: n_docs,
        groups: groups.len() as u32,
        per_group,
        exercises,
        imax,
        vocab: vocab_bounds,
        terms: term_bounds,
        chapters: chapters_out(entries, &first_doc),
        stop: an.stop_words(),
        stemmer: an.stemmer_name,
        head: limits.head,
    };
    files.push(file("_search/manifest.js".into(), shard("m", &manifest)));
    lap("manifest");
    Some(files)
}

/// The chapter list for the filter, in reading order, with document ranges.
fn chapters_out<'a>(entries: &'a [Entry<'_>], first_doc: &[u32]) -> Vec<ChapterOut<'a>> {
    // Chapter (book section) → (first doc, end doc); the chapter's own page
    // comes first in reading order and names it.
    let mut order: Vec<usize> = Vec::new();
    let mut info: HashMap<usize, (u32, u32, Option<usize>)> = HashMap::new(); // section → (first, end, entry of its page)
    for (k, e) in entries.iter().enumerate() {
        let a = first_doc[k];
        let b = a + e.docs.len() as u32;
        for &s in &e.chapters {
            let slot = info.entry(s).or_insert_with(|| {
                order.push(s);
                (a, b, None)
            });
            slot.0 = slot.0.min(a);
            slot.1 = slot.1.max(b);
        }
        if e.kind == "chapter" {
            if let Some(&s) = e.chapters.first() {
                if let Some(slot) = info.get_mut(&s) {
                    slot.2 = Some(k);
                }
            }
        }
    }
    let index: HashMap<usize, usize> = order.iter().enumerate().map(|(i, &s)| (s, i)).collect();
    order
        .iter()
        .map(|s| {
            let (first, end, page) = info[s];
            let page = page.map(|k| &entries[k]);
            // The parent is the next chapter up the chain of the chapter's page.
            let parent = page
                .and_then(|p| p.chapters.get(1))
                .and_then(|ps| index.get(ps))
                .map_or(-1, |&i| i as i64);
            ChapterOut {
                title: page.map_or("", |p| p.title.as_str()),
                url: page.map_or("", |p| p.url.as_str()),
                parent,
                depth: page.map_or(0, |p| p.chapters.len().saturating_sub(1)),
                first,
                end,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use encode::Reader;

    fn entry(
        kind: &'static str,
        title: &str,
        chapters: Vec<usize>,
        docs: Vec<(&str, &'static str)>,
    ) -> Entry<'static> {
        Entry {
            kind,
            url: format!("{}.html", title.to_lowercase().replace(' ', "-")),
            title: title.into(),
            crumbs: vec![],
            label: None,
            chapters,
            docs: docs
                .into_iter()
                .map(|(t, b)| DocText {
                    title: t.into(),
                    anchor: String::new(),
                    head: String::new(),
                    body: Cow::Borrowed(b),
                })
                .collect(),
        }
    }

    fn text_of(files: &[OutputFile], path: &str) -> String {
        let f = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path}"));
        String::from_utf8(f.bytes.to_vec()).unwrap()
    }

    /// The JSON payload of a shard script.
    fn payload(files: &[OutputFile], path: &str) -> serde_json::Value {
        let s = text_of(files, path);
        let start = s.find(".push(").unwrap() + 6;
        let end = s.rfind(");").unwrap();
        let v: serde_json::Value = serde_json::from_str(&s[start..end]).unwrap();
        v[1].clone()
    }

    #[test]
    fn quick_text_strips_simple_markdown() {
        assert_eq!(
            quick_text("**Brief the room.** Explain it.\n\n*Energy*\n- Think of a `week`\n1. Step [one](x.md#a) ![alt](i.png)\n\n| A | B |\n| --- | --- |\n| c | d |\n> quoted \\* star\n## Head").as_deref(),
            Some("Brief the room. Explain it. Energy Think of a week Step one alt A B c d quoted * star Head")
        );
        assert_eq!(quick_text("> [!FACILITATOR]\n> secret"), None);
        assert_eq!(quick_text("a <b>tag</b>"), None);
        assert_eq!(quick_text("[ref]: http://x"), None);
    }

    #[test]
    fn cuts_shards_at_the_target() {
        assert_eq!(cut_shards(&[5, 5, 5, 5], 10), vec![0..2, 2..4]);
        // An item larger than the target gets a shard of its own.
        assert_eq!(cut_shards(&[3, 50, 3], 10), vec![0..1, 1..2, 2..3]);
        assert_eq!(cut_shards(&[], 10), Vec::<std::ops::Range<usize>>::new());
        let sizes: Vec<usize> = (0..1000).map(|i| 1 + i % 17).collect();
        let r = cut_shards(&sizes, 100);
        assert_eq!(r.first().unwrap().start, 0);
        assert_eq!(r.last().unwrap().end, 1000);
        for w in r.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        for x in &r {
            assert!(sizes[x.clone()].iter().sum::<usize>() <= 100);
        }
    }

    #[test]
    fn fast_ln_is_close() {
        for i in 0..10_000 {
            let x = 1.0 + i as f32 * 0.013;
            assert!((fast_ln(x) - x.ln()).abs() < 1e-3, "{x}");
        }
    }

    #[test]
    fn quantised_scores_decode_close_to_the_score() {
        let q = Quantizer::new(20.0);
        let decode = |l: u32| ((l as f32) / 63.0 * 21f32.ln()).exp() - 1.0;
        let mut last = 0;
        for i in 0..2000 {
            let s = i as f32 / 100.0;
            let l = q.level(s);
            assert!((1..=63).contains(&l));
            assert!(l >= last, "monotonic");
            last = l;
            if s > 0.2 {
                // Half a step of the log scale.
                assert!(
                    (decode(l) - s).abs() / (1.0 + s) < 0.025,
                    "{s} → {l} → {}",
                    decode(l)
                );
            }
        }
        assert_eq!(q.level(20.0), 63);
        assert_eq!(q.level(1000.0), 63);
    }

    #[test]
    fn js_order_is_utf16_order() {
        // U+FFFD sorts after an astral character in UTF-16, before it in UTF-8.
        assert_eq!(js_cmp("\u{FFFD}", "\u{1F600}"), std::cmp::Ordering::Greater);
        assert_eq!(js_cmp("abc", "abd"), std::cmp::Ordering::Less);
    }

    #[test]
    fn vocabulary_entries_front_code_and_name_the_stem() {
        let mut s = String::new();
        vocab_entry(&mut s, "", "manage", "manag", 3);
        s.push('|');
        vocab_entry(&mut s, "manage", "management", "manag", 5);
        s.push('|');
        vocab_entry(&mut s, "management", "mission", "mission", 2);
        assert_eq!(s, "03manage,1|65ment,5|12ission");
    }

    fn small_index(limits: &Limits) -> (Vec<Entry<'static>>, Vec<OutputFile>) {
        let entries = vec![
            entry(
                "page",
                "Home",
                vec![],
                vec![("Home", "Welcome to the handbook.")],
            ),
            entry(
                "chapter",
                "Mission",
                vec![1],
                vec![("Mission", "Leading through a clear mission.")],
            ),
            entry(
                "lesson",
                "Writing a mission",
                vec![1],
                vec![
                    ("Writing a mission", "A mission people can act on."),
                    (
                        "Why missions fail",
                        "Most missions fail because nobody can act on them. Missions missions.",
                    ),
                ],
            ),
            entry(
                "exercise",
                "Mission ladder",
                vec![1],
                vec![("Mission ladder", "Climb the ladder of missions.")],
            ),
            entry(
                "chapter",
                "Staff",
                vec![2],
                vec![("Staff", "Learning what your staff do.")],
            ),
            entry(
                "lesson",
                "Shadowing",
                vec![2],
                vec![("Shadowing", "Shadow a colleague for a day.")],
            ),
        ];
        let an = Analyzer::new("en", None).unwrap();
        let files = build_files(&entries, &an, limits);
        (entries, files)
    }

    fn find_term(files: &[OutputFile], term: &str) -> Option<(String, String, i64)> {
        let m = payload(files, "_search/manifest.js");
        let bounds: Vec<String> = serde_json::from_value(m["terms"].clone()).unwrap();
        // The shard whose first term is the last one not after `term`.
        let k = bounds
            .iter()
            .rposition(|b| js_cmp(b, term) != std::cmp::Ordering::Greater)?;
        let rows: Vec<(String, String, String, i64)> =
            serde_json::from_value(payload(files, &format!("_search/t/{k}.js"))).unwrap();
        rows.into_iter()
            .find(|r| r.0 == term)
            .map(|r| (r.1, r.2, r.3))
    }

    fn decode(s: &str, with_header: bool) -> Vec<(u32, u32, Vec<u32>)> {
        let mut r = Reader::new(s);
        let mut n = usize::MAX;
        if with_header {
            r.varint().unwrap();
            n = r.varint().unwrap() as usize;
        }
        let mut out = Vec::new();
        let mut doc = 0u32;
        while !r.done() && out.len() < n {
            doc += r.varint().unwrap() as u32;
            let q = r.fixed().unwrap();
            let np = r.varint().unwrap();
            let mut p = 0;
            let mut pos = Vec::new();
            for _ in 0..np {
                p += r.varint().unwrap() as u32;
                pos.push(p);
            }
            out.push((doc, q, pos));
        }
        out
    }

    #[test]
    fn postings_hold_docs_positions_and_scores() {
        let (_, files) = small_index(&Limits::default());
        let (post, forms, tail) = find_term(&files, "mission").expect("mission is indexed");
        assert_eq!(tail, -1);
        assert_eq!(forms, "mission missions");
        let p = decode(&post, true);
        let docs: Vec<u32> = p.iter().map(|x| x.0).collect();
        // Docs: 0 home, 1 chapter, 2-3 lesson, 4 exercise, 5 chapter, 6 lesson.
        assert_eq!(docs, [1, 2, 3, 4]);
        // "Why missions fail" has the term in its title and four times in its body.
        let why = p.iter().find(|x| x.0 == 3).unwrap();
        assert_eq!(why.2.len(), 4);
        assert_eq!(why.2[0], 1);
        // Titles outrank a single mention in the body.
        let chapter = p.iter().find(|x| x.0 == 1).unwrap();
        assert!(chapter.1 > 1);
        // Stop words are not indexed from the body.
        assert!(find_term(&files, "through").is_none());
        // Stems: "leading" → "lead".
        assert!(find_term(&files, "lead").is_some());
    }

    #[test]
    fn frequent_terms_split_into_head_and_tail() {
        let limits = Limits {
            head: 2,
            ..Limits::default()
        };
        let (_, files) = small_index(&limits);
        let (post, _, tail) = find_term(&files, "mission").unwrap();
        assert!(tail >= 0);
        let head = decode(&post, true);
        assert_eq!(head.len(), 2);
        let tails: Vec<(String, String)> =
            serde_json::from_value(payload(&files, &format!("_search/r/{tail}.js"))).unwrap();
        let rest = &tails.iter().find(|t| t.0 == "mission").unwrap().1;
        let rest = decode(rest, false);
        let mut all: Vec<u32> = head.iter().chain(&rest).map(|x| x.0).collect();
        all.sort();
        assert_eq!(all, [1, 2, 3, 4]);
        // The head keeps the best scores.
        let worst_head = head.iter().map(|x| x.1).min().unwrap();
        assert!(rest.iter().all(|x| x.1 <= worst_head));
    }

    #[test]
    fn manifest_lists_chapters_and_shards() {
        let limits = Limits {
            term_shard: 60,
            vocab_shard: 30,
            ..Limits::default()
        };
        let (entries, files) = small_index(&limits);
        let m = payload(&files, "_search/manifest.js");
        assert_eq!(m["docs"], 7);
        // Exercises share the file of the page they follow.
        assert_eq!(m["groups"], entries.len() - 1);
        let ch = m["chapters"].as_array().unwrap();
        assert_eq!(ch.len(), 2);
        assert_eq!(ch[0]["title"], "Mission");
        assert_eq!(
            (ch[0]["first"].as_u64(), ch[0]["end"].as_u64()),
            (Some(1), Some(5))
        );
        assert_eq!(
            (ch[1]["first"].as_u64(), ch[1]["end"].as_u64()),
            (Some(5), Some(7))
        );
        // Several small shards, each boundary sorted, every term findable.
        let terms: Vec<String> = serde_json::from_value(m["terms"].clone()).unwrap();
        assert!(terms.len() > 3);
        assert!(terms.windows(2).all(|w| js_cmp(&w[0], &w[1]).is_lt()));
        for t in ["mission", "ladder", "shadow", "staff", "welcom", "handbook"] {
            assert!(find_term(&files, t).is_some(), "{t}");
        }
        let vocab: Vec<String> = serde_json::from_value(m["vocab"].clone()).unwrap();
        assert!(vocab.len() > 3);
        for k in 0..vocab.len() {
            let v: String =
                serde_json::from_value(payload(&files, &format!("_search/v/{k}.js"))).unwrap();
            assert!(!v.is_empty());
        }
        // Entry files carry the text for snippets.
        let d = payload(&files, "_search/d/2.js");
        assert_eq!(d["first"], 2);
        assert_eq!(d["entries"][0]["docs"][1][0], "Why missions fail");
        assert_eq!(d["entries"][1]["kind"], "exercise");
        assert_eq!(d["entries"][1]["first"], 4);
    }

    #[test]
    fn hostile_text_stays_inside_strings() {
        let entries = vec![entry(
            "page",
            "</script><script>alert(1)</script>",
            vec![],
            vec![(
                "\"><svg onload=alert(1)>",
                "back\\slash \u{2028} line \u{2029} para </script> \"quotes\" <img src=x onerror=alert(1)>",
            )],
        )];
        let an = Analyzer::new("en", None).unwrap();
        let files = build_files(&entries, &an, &Limits::default());
        for f in &files {
            let s = std::str::from_utf8(&f.bytes).unwrap();
            assert!(!s.contains("</script"), "{}", f.path);
            assert!(
                !s.contains('\u{2028}') && !s.contains('\u{2029}'),
                "{}",
                f.path
            );
        }
        let d = payload(&files, "_search/d/0.js");
        assert_eq!(d["entries"][0]["docs"][0][0], "\"><svg onload=alert(1)>");
        assert!(d["entries"][0]["docs"][0][3]
            .as_str()
            .unwrap()
            .contains("</script>"));
    }
}
