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
//! | `d/N.js` | a few pages and their exercises: titles, URLs, crumbs, text | top results only |
//!
//! A *document* is what a result links to: a lesson (its title and the text
//! before its first heading), each section under a heading, a chapter
//! introduction, an exercise, or a workshop's agenda. Documents are
//! numbered in reading order, with exercises right after their lesson and
//! workshops last, so a chapter is a range of numbers and the chapter
//! filter needs no per-document data.
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
use std::time::Duration;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::exercise::Exercise;
use crate::markdown::{ExerciseMarkdown, FieldMarkdown, Rendered, WorkshopMarkdown};
use crate::model::{Book, PageKind};
use crate::workshop::Workshop;
use crate::OutputFile;

use encode::{fixed, push_js_str, shard, shard_with, varint};
use text::Analyzer;

pub struct Inputs<'a> {
    pub config: &'a Config,
    pub book: &'a Book,
    pub rendered: &'a [Arc<Rendered>],
    pub exercises: &'a [Exercise],
    /// The exercises' Markdown fields, in the same order.
    pub exercise_md: &'a [Arc<ExerciseMarkdown>],
    pub workshops: &'a [Workshop],
    /// The workshops' Markdown fields, in the same order.
    pub workshop_md: &'a [WorkshopMarkdown],
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
    /// Target size of a document file: consecutive pages share one while
    /// it stays this small. Each result shown loads its file, so this
    /// bounds what ten results cost. Fewer files make the build faster:
    /// at 10,000 lessons the files cost the build more than their text.
    pub doc_file: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            head: 200,
            positions: 8,
            term_shard: 20_000,
            vocab_shard: 12_000,
            tail_shard: 48_000,
            doc_file: 24_000,
        }
    }
}

/// The most positions [`Limits::positions`] can keep.
pub const MAX_POSITIONS: usize = 8;

impl Limits {
    /// Positions kept per posting: [`Limits::positions`], at most
    /// [`MAX_POSITIONS`].
    fn kept_positions(&self) -> usize {
        self.positions.min(MAX_POSITIONS)
    }
}

/// Field weights and BM25 length normalisation, per field.
const FIELD_WEIGHT: [f32; 3] = [6.0, 2.5, 1.0];
const FIELD_B: [f32; 3] = [0.3, 0.5, 0.75];
const K1: f32 = 1.2;

/// The analyser the `[search]` settings ask for, or the problem with them.
pub fn analyzer(config: &Config) -> Result<Analyzer, Diagnostic> {
    let stemmer = config.book.search.stemmer.as_ref();
    Analyzer::new(
        config.book.language.get_ref(),
        stemmer.map(|s| s.get_ref().as_str()),
    )
    .map_err(|name| {
        let span = stemmer.map(|s| s.span()).unwrap_or(0..0);
        Diagnostic::error_at(
            &config.book_source,
            span,
            format!("no stemmer for `{name}`"),
        )
        .with_hint(format!("use one of {}", text::stemmer_names()))
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
    let laps = Laps::new(stop);
    let entries = collect(inputs);
    if laps.lap("collect").is_none() {
        return Ok(None);
    }
    Ok(index_files(&entries, &analyzer, &Limits::default(), &laps))
}

/// One searchable unit. Its text is borrowed from the book and the
/// pages' parse wherever it is used as it is (a big book has some 100,000
/// documents: copies of it all were memory faulted in for nothing).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DocText<'a> {
    pub title: &'a str,
    /// Fragment id on the entry's page; empty for the page itself.
    pub anchor: &'a str,
    /// Middle-weight text: headings above a section, a lesson's summary and
    /// objectives, an exercise's kind, objectives and competencies.
    pub head: Cow<'a, str>,
    pub body: Cow<'a, str>,
}

/// A page or an exercise: one file of documents.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// `page` (home), `chapter`, `lesson` or `exercise`.
    pub kind: &'static str,
    /// Output path, relative to the site root.
    pub url: &'a str,
    pub title: &'a str,
    /// Titles of the chapters (and lesson) above it.
    pub crumbs: Vec<&'a str>,
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

/// Whether [`squash`] would leave `s` as it is: no ASCII white space but
/// single spaces between other characters.
fn is_squashed(s: &str) -> bool {
    use text::ascii_in;
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    // Eight bytes at a time: no white space but spaces, and no space right
    // after a space (within the eight, or across from the eight before).
    let mut space = false;
    let mut eights = b.chunks_exact(8);
    for eight in &mut eights {
        let x = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
        let spaces = ascii_in(x, b' ', b' ');
        let other = ascii_in(x, 0x09, 0x0A) | ascii_in(x, 0x0C, 0x0D);
        if other != 0 || spaces & (spaces << 8) != 0 || (space && spaces & 0x80 != 0) {
            return false;
        }
        space = spaces >> 63 != 0;
    }
    for &c in eights.remainder() {
        if c == b' ' {
            if space {
                return false;
            }
            space = true;
        } else if c.is_ascii_whitespace() {
            return false;
        } else {
            space = false;
        }
    }
    true
}

/// [`squash`] of a string that can be handed back when nothing changes.
fn squash_owned(s: String) -> String {
    if is_squashed(&s) {
        s
    } else {
        squash(&s)
    }
}

/// The non-empty parts, trimmed, as sentences: `. ` between them (just a
/// space after a part that ends a sentence), white space squashed. A
/// single part that needs no change is borrowed.
fn join<'a>(parts: &[&'a str]) -> Cow<'a, str> {
    let mut nonempty = parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty());
    match (nonempty.next(), nonempty.next()) {
        (None, _) => return Cow::Borrowed(""),
        (Some(one), None) if is_squashed(one) => return Cow::Borrowed(one),
        _ => {}
    }
    // Sized at once: a long exercise body otherwise grows by doubling.
    let size: usize = parts.iter().map(|p| p.trim().len() + 2).sum();
    let mut out = String::with_capacity(size);
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
    Cow::Owned(squash_owned(out))
}

/// Chapters (book sections, not the root) containing a page.
fn chapter_chain(book: &Book, page: usize) -> Vec<usize> {
    let p = &book.pages[page];
    if p.kind == PageKind::Home {
        return Vec::new();
    }
    book.section_chain(Some(p.section)).collect()
}

/// The documents of the book, in reading order.
pub fn collect<'a>(inputs: &Inputs<'a>) -> Vec<Entry<'a>> {
    let book = inputs.book;
    let exercises = inputs.exercises;
    let by_lesson = crate::exercise::by_lesson(exercises, book.pages.len());
    let mut entries: Vec<Entry<'a>> = (0..book.pages.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let exercises = by_lesson[i].iter().map(|&e| exercise_entry(inputs, e));
            std::iter::once(page_entry(inputs, i)).chain(exercises)
        })
        .collect();
    entries.extend(
        (0..exercises.len())
            .filter(|&e| exercises[e].lesson.is_none())
            .map(|e| exercise_entry(inputs, e)),
    );
    entries.extend((0..inputs.workshops.len()).map(|w| workshop_entry(inputs, w)));
    entries
}

fn page_entry<'a>(inputs: &Inputs<'a>, i: usize) -> Entry<'a> {
    let book = inputs.book;
    let p = &book.pages[i];
    let r = &inputs.rendered[i];
    let front = &p.parsed.front;
    let crumbs = crumbs_above(book, i);
    let mut head_parts: Vec<&str> = Vec::new();
    if let Some(s) = &front.summary {
        head_parts.push(s);
    }
    head_parts.extend(front.objectives.iter().map(String::as_str));
    head_parts.extend(front.tags.iter().map(String::as_str));
    let mut intros = r.sections.iter().filter(|s| s.heading.is_none());
    let intro: Cow<'a, str> = match (intros.next(), intros.next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(one), None) => Cow::Borrowed(r.section_text(one)),
        _ => {
            let parts: Vec<&str> = (r.sections.iter())
                .filter(|s| s.heading.is_none())
                .map(|s| r.section_text(s))
                .collect();
            join(&parts)
        }
    };
    let mut docs = vec![DocText {
        title: p.title(),
        anchor: "",
        head: join(&head_parts),
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
            title: &heading.text,
            anchor: &heading.id,
            head: join(&above),
            // Markdown's text has single spaces but for block ends, and is
            // trimmed: kept as it is.
            body: Cow::Borrowed(r.section_text(s)),
        });
    }
    Entry {
        kind: match p.kind {
            PageKind::Home => "page",
            PageKind::Chapter => "chapter",
            PageKind::Lesson => "lesson",
        },
        url: &p.out,
        title: p.title(),
        crumbs,
        label: None,
        chapters: chapter_chain(book, i),
        docs,
    }
}

/// Titles of the chapters above page `i`, outermost first.
fn crumbs_above(book: &Book, i: usize) -> Vec<&str> {
    (book.ancestors(i).into_iter())
        .map(|a| book.pages[a].title())
        .collect()
}

fn exercise_entry<'a>(inputs: &Inputs<'a>, i: usize) -> Entry<'a> {
    let book = inputs.book;
    let (e, md) = (&inputs.exercises[i], &*inputs.exercise_md[i]);
    let d = &e.data;
    let facilitator = inputs.config.edition.is_facilitator();
    let (crumbs, chapters) = match e.lesson {
        Some(l) => {
            let mut c = crumbs_above(book, l);
            c.push(book.pages[l].title());
            (c, chapter_chain(book, l))
        }
        None => (Vec::new(), Vec::new()),
    };
    let mut head: Vec<&str> = vec![d.kind.label()];
    head.extend(d.objectives.iter().map(String::as_str));
    head.extend(d.competencies.iter().map(String::as_str));
    head.extend(d.tags.iter().map(String::as_str));
    // The body's parts in reading order; a Markdown field gives its
    // headings' and sections' text, as the markdown stage read it for the
    // page (raw HTML, facilitator-only callouts and footnotes follow the
    // page's rules). `join` puts them together once.
    let field = |f: &'a FieldMarkdown| f.text();
    let strs = |v: &'a [String]| v.iter().map(String::as_str);
    let mut body: Vec<&str> = Vec::new();
    body.extend(d.audience.as_deref());
    body.extend(md.preparation.iter().flat_map(field));
    body.extend(md.steps.iter().flat_map(field));
    body.extend(strs(&d.materials));
    body.extend(md.variations.iter().flat_map(field));
    for (q, text) in d.questions.iter().zip(&md.questions) {
        body.extend(field(text));
        body.extend(strs(&q.choices));
    }
    if facilitator {
        body.extend(strs(&d.debrief));
        // Rendered in the facilitator edition only.
        body.extend(md.facilitator_notes.iter().flat_map(field));
    }
    Entry {
        kind: "exercise",
        url: &e.out,
        title: &d.title,
        crumbs,
        label: Some(d.kind.label()),
        chapters,
        docs: vec![DocText {
            title: &d.title,
            anchor: "",
            head: join(&head),
            body: join(&body),
        }],
    }
}

/// A workshop's agenda: what it covers (its lessons, exercises, activities
/// and breaks by name) weighs as headings do, and its description is the
/// body, with the sessions' notes in the facilitator edition (the only one
/// whose agenda shows them: the Markdown stage renders them for it alone).
fn workshop_entry<'a>(inputs: &Inputs<'a>, i: usize) -> Entry<'a> {
    let (w, md) = (&inputs.workshops[i], &inputs.workshop_md[i]);
    // Each once: a second break of the same name is not more relevant.
    let mut head: Vec<&str> = Vec::new();
    for s in &w.slots {
        let title = s.title(inputs.book, inputs.exercises);
        if !head.contains(&title) {
            head.push(title);
        }
    }
    let field = |f: &'a FieldMarkdown| f.text();
    let mut body: Vec<&str> = md.description.iter().flat_map(field).collect();
    body.extend(
        md.slots
            .iter()
            .filter_map(|(n, _)| n.as_ref())
            .flat_map(field),
    );
    Entry {
        kind: "workshop",
        url: &w.out,
        title: &w.data.title,
        crumbs: Vec::new(),
        label: None,
        chapters: Vec::new(),
        docs: vec![DocText {
            title: &w.data.title,
            anchor: "",
            head: join(&head),
            body: join(&body),
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

/// Short words (see [`text::Scanned::Short`]) → what the chunk knows of
/// them. Nearly every word read is looked up here, so it is a plain table:
/// open addressing, at most half full, the key's well mixed high bits
/// picking the first slot. No word has the key 0, which marks an empty
/// slot. A slot holds the word's [`Seen`] too, so that reading a word
/// touches one place in memory.
struct ShortWords {
    slots: Vec<ShortSlot>,
    len: usize,
}

#[derive(Clone, Copy, Default)]
struct ShortSlot {
    lo: u64,
    hi: u64,
    seen: Seen,
}

impl Default for ShortWords {
    fn default() -> Self {
        ShortWords {
            slots: vec![ShortSlot::default(); 1024],
            len: 0,
        }
    }
}

impl ShortWords {
    fn first(key: u128, n: usize) -> usize {
        let x = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        let h = x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (h >> (64 - n.trailing_zeros())) as usize
    }

    /// The word's [`Seen`], made by `new` for a word not seen before.
    #[inline]
    fn get_or_insert(&mut self, key: u128, new: impl FnOnce() -> Seen) -> &mut Seen {
        let (lo, hi) = (key as u64, (key >> 64) as u64);
        let mask = self.slots.len() - 1;
        let mut i = Self::first(key, self.slots.len());
        loop {
            let s = &self.slots[i];
            if s.lo == lo && s.hi == hi {
                return &mut self.slots[i].seen;
            }
            if s.lo == 0 && s.hi == 0 {
                break;
            }
            i = (i + 1) & mask;
        }
        let seen = new();
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow();
            i = Self::first(key, self.slots.len());
            while self.slots[i].lo != 0 || self.slots[i].hi != 0 {
                i = (i + 1) & (self.slots.len() - 1);
            }
        }
        self.slots[i] = ShortSlot { lo, hi, seen };
        &mut self.slots[i].seen
    }

    /// Forgets every word, keeping the table's size.
    fn clear(&mut self) {
        if self.len > 0 {
            self.slots.fill(ShortSlot::default());
            self.len = 0;
        }
    }

    fn grow(&mut self) {
        let n = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![ShortSlot::default(); n]);
        let mask = self.slots.len() - 1;
        for s in old.into_iter().filter(|s| s.lo != 0 || s.hi != 0) {
            let key = u128::from(s.lo) | (u128::from(s.hi) << 64);
            let mut i = Self::first(key, self.slots.len());
            while self.slots[i].lo != 0 || self.slots[i].hi != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }
}

/// Documents analysed by one task: words get numbers local to the chunk,
/// and each word's postings are kept together, in document order.
struct Chunk {
    /// The number of its first document; [`Post::doc`] counts from it.
    first_doc: u32,
    /// Folded words, by local number.
    words: Vec<Box<str>>,
    /// Postings of word `w`: `posts[start[w]..start[w + 1]]`.
    start: Vec<u32>,
    posts: Vec<Post>,
    /// Positions of word `w`'s postings, in order, from `pos[pos_start[w]]`.
    pos_start: Vec<u32>,
    pos: Vec<u32>,
    lens: Vec<[u32; 3]>,
}

impl Chunk {
    /// The postings of local word `w` and the positions they start at.
    fn word(&self, w: u32) -> (&[Post], &[u32]) {
        let w = w as usize;
        (
            &self.posts[self.start[w] as usize..self.start[w + 1] as usize],
            &self.pos[self.pos_start[w] as usize..self.pos_start[w + 1] as usize],
        )
    }
}

/// One document's use of one word (or of one term) in a chunk: which
/// document, and the counts per field. Its [`Post::npos`] positions follow
/// in a separate list. Eight bytes: millions of these are held at once.
#[derive(Clone, Copy, Default)]
struct Post {
    /// Counted from the chunk's first document (a chunk has at most
    /// [`MAX_CHUNK`] documents).
    doc: u16,
    tf: [u16; 3],
}

impl Post {
    /// How many positions the posting keeps: each use of the word (or
    /// term) has one, up to `cap`. (A count that saturates is far above
    /// any cap.)
    fn npos(&self, cap: usize) -> usize {
        let uses: u32 = self.tf.iter().map(|&t| u32::from(t)).sum();
        (uses as usize).min(cap)
    }
}

/// The most documents in a chunk, so that [`Post::doc`] fits in 16 bits.
const MAX_CHUNK: usize = 8192;

/// What one document's words leave behind, in the order they were read:
/// a record per word, its positions, and how many there are per word.
#[derive(Default)]
struct DocOrder {
    /// (local word, counts per field, number of positions), per document.
    recs: Vec<(u32, [u16; 3], u16)>,
    /// Where each document's records end.
    ends: Vec<u32>,
    pos: Vec<u32>,
}

/// One word's use so far in the document being read.
#[derive(Clone, Copy)]
struct Occ {
    word: u32,
    npos: u32,
    /// Per field (the fourth is unused: it keeps the record aligned).
    tf: [u16; 4],
    pos: [u32; MAX_POSITIONS],
}

/// What a chunk knows of one of its words while reading it.
#[derive(Clone, Copy)]
struct Seen {
    /// Its local number, with [`STOP`] set for a stop word.
    id: u32,
    /// Its slot in `occ`, valid while `stamp` is the document being read.
    slot: u32,
    stamp: u32,
}

impl Default for Seen {
    fn default() -> Self {
        Seen {
            id: 0,
            slot: 0,
            stamp: u32::MAX,
        }
    }
}

/// The bit of a chunk's word number that marks a stop word while
/// tokenising (a chunk has far fewer words).
const STOP: u32 = 1 << 31;

/// Space a tokenising task reuses from chunk to chunk: refilled for each
/// chunk, but its memory stays allocated (and warm) instead of being
/// grown afresh every time.
#[derive(Default)]
struct Workspace {
    order: DocOrder,
    short: ShortWords,
    /// Words that are not short → their place in `long`.
    dict: FxMap<Box<str>, u32>,
    /// What the chunk knows of the words that are not short.
    long: Vec<Seen>,
    /// Postings and positions so far in the chunk, by local word number.
    counts: Vec<(u32, u32)>,
    /// The current document's words.
    occ: Vec<Occ>,
    buf: String,
}

impl Workspace {
    /// Empties the workspace, keeping its memory.
    fn clear(&mut self) {
        self.order.recs.clear();
        self.order.ends.clear();
        self.order.pos.clear();
        self.short.clear();
        self.dict.clear();
        self.long.clear();
        self.counts.clear();
        self.occ.clear();
    }
}

/// Values handed from one parallel task to the next, so that there are
/// only ever as many as there are tasks running at once (rayon's
/// `map_init` makes one per piece of work it splits off).
struct Pool<T>(std::sync::Mutex<Vec<T>>);

impl<T: Default> Pool<T> {
    fn new() -> Pool<T> {
        Pool(std::sync::Mutex::new(Vec::new()))
    }

    /// Runs `f` with a value from the pool (a new one if none is free).
    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let lock = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut v = lock().pop().unwrap_or_default();
        let r = f(&mut v);
        lock().push(v);
        r
    }
}

// `pos` runs on across fields and words (with gaps), not once per field.
#[allow(clippy::explicit_counter_loop)]
fn analyse_chunk(
    docs: &[&DocText<'_>],
    first_doc: u32,
    an: &Analyzer,
    limits: &Limits,
    ws: &mut Workspace,
) -> Chunk {
    let cap = limits.kept_positions();
    debug_assert!(docs.len() <= MAX_CHUNK);
    ws.clear();
    let Workspace {
        order,
        short,
        dict,
        long,
        counts,
        occ,
        buf,
    } = ws;
    let mut words: Vec<Box<str>> = Vec::new();
    let mut lens = Vec::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate() {
        occ.clear();
        let mut len = [0u32; 3];
        let mut pos: u32 = 0;
        for (f, field) in [d.title, &*d.head, &*d.body].into_iter().enumerate() {
            text::scan(field, buf, |t| {
                let p = pos;
                pos += 1;
                // A stop word's number carries [`STOP`], so that it is
                // passed over without reading what the chunk knows of it.
                let mut new_word = |w: &str| {
                    words.push(w.into());
                    counts.push((0, 0));
                    let id = words.len() as u32 - 1;
                    Seen {
                        id: if an.is_stop(w) { id | STOP } else { id },
                        ..Seen::default()
                    }
                };
                let seen = match t {
                    text::Scanned::Dropped => return,
                    text::Scanned::Short(key, raw) => short.get_or_insert(key, || {
                        new_word(&String::from_utf8_lossy(raw).to_ascii_lowercase())
                    }),
                    text::Scanned::Folded(w) => {
                        let k = match dict.get(w) {
                            Some(&k) => k,
                            None => {
                                long.push(new_word(w));
                                dict.insert(w.into(), long.len() as u32 - 1);
                                long.len() as u32 - 1
                            }
                        };
                        &mut long[k as usize]
                    }
                };
                len[f] += 1;
                // Stop words are scored only in titles, for queries made of nothing else.
                if seen.id & STOP != 0 && f != 0 {
                    return;
                }
                let k = if seen.stamp == i as u32 {
                    seen.slot as usize
                } else {
                    seen.stamp = i as u32;
                    seen.slot = occ.len() as u32;
                    occ.push(Occ {
                        word: seen.id & !STOP,
                        npos: 0,
                        tf: [0; 4],
                        pos: [0; MAX_POSITIONS],
                    });
                    occ.len() - 1
                };
                let o = &mut occ[k];
                o.tf[f] = o.tf[f].saturating_add(1);
                if (o.npos as usize) < cap {
                    o.pos[o.npos as usize] = p;
                    o.npos += 1;
                }
            });
            // A gap between fields: phrases do not run across them.
            pos += 1;
        }
        lens.push(len);
        for o in occ.iter() {
            let c = &mut counts[o.word as usize];
            c.0 += 1;
            c.1 += o.npos;
            let tf = [o.tf[0], o.tf[1], o.tf[2]];
            debug_assert_eq!(Post { doc: 0, tf }.npos(cap), o.npos as usize);
            order.recs.push((o.word, tf, o.npos as u16));
            // Nearly every word is used once in a document: a plain push
            // then, not a call to copy one position.
            match o.npos {
                1 => order.pos.push(o.pos[0]),
                n => order.pos.extend_from_slice(&o.pos[..n as usize]),
            }
        }
        order.ends.push(order.recs.len() as u32);
    }
    let start = prefix_sums(counts.iter().map(|c| c.0));
    let pos_start = prefix_sums(counts.iter().map(|c| c.1));
    let (posts, pos) = group_by_word(order, &start, &pos_start);
    Chunk {
        first_doc,
        words,
        start,
        posts,
        pos_start,
        pos,
        lens,
    }
}

/// `0, a, a + b, …`: where each run starts, and the total at the end.
fn prefix_sums(counts: impl ExactSizeIterator<Item = u32>) -> Vec<u32> {
    let mut out = Vec::with_capacity(counts.len() + 1);
    let mut acc = 0u32;
    out.push(0);
    for c in counts {
        acc += c;
        out.push(acc);
    }
    out
}

/// Reorders a chunk's records from document order to word order (a
/// counting sort: each word's postings stay in document order).
fn group_by_word(d: &DocOrder, start: &[u32], pos_start: &[u32]) -> (Vec<Post>, Vec<u32>) {
    let mut posts = vec![Post::default(); d.recs.len()];
    let mut pos = vec![0u32; d.pos.len()];
    let mut fill = start.to_vec();
    let mut pfill = pos_start.to_vec();
    let (mut r, mut p) = (0usize, 0usize);
    for (i, &end) in d.ends.iter().enumerate() {
        for &(w, tf, npos) in &d.recs[r..end as usize] {
            let w = w as usize;
            posts[fill[w] as usize] = Post { doc: i as u16, tf };
            fill[w] += 1;
            let n = npos as usize;
            let at = pfill[w] as usize;
            // Mostly one position (see `analyse_chunk`).
            if n == 1 {
                pos[at] = d.pos[p];
            } else {
                pos[at..at + n].copy_from_slice(&d.pos[p..p + n]);
            }
            pfill[w] += npos as u32;
            p += n;
        }
        r = end as usize;
    }
    (posts, pos)
}

/// Postings of one term drawn from several words of a chunk (`manager`,
/// `managers`), merged by document: counts add up, positions are pooled
/// and the first `cap` kept.
fn merge_words(
    lists: &[(&[Post], &[u32])],
    cap: usize,
    out: &mut Vec<Post>,
    out_pos: &mut Vec<u32>,
) {
    if let [a, b] = lists {
        merge_two(*a, *b, cap, out, out_pos);
        return;
    }
    let mut a: (Vec<Post>, Vec<u32>) = (lists[0].0.to_vec(), lists[0].1.to_vec());
    let mut b: (Vec<Post>, Vec<u32>) = (Vec::new(), Vec::new());
    for &(posts, pos) in &lists[1..] {
        b.0.clear();
        b.1.clear();
        merge_two((&a.0, &a.1), (posts, pos), cap, &mut b.0, &mut b.1);
        std::mem::swap(&mut a, &mut b);
    }
    out.extend_from_slice(&a.0);
    out_pos.extend_from_slice(&a.1);
}

/// Merges two lists of postings in document order (see [`merge_words`]).
fn merge_two(
    a: (&[Post], &[u32]),
    b: (&[Post], &[u32]),
    cap: usize,
    out: &mut Vec<Post>,
    out_pos: &mut Vec<u32>,
) {
    let (mut i, mut j, mut pi, mut pj) = (0, 0, 0, 0);
    while i < a.0.len() || j < b.0.len() {
        let take_a = j == b.0.len() || (i < a.0.len() && a.0[i].doc <= b.0[j].doc);
        let take_b = i == a.0.len() || (j < b.0.len() && b.0[j].doc <= a.0[i].doc);
        if take_a && take_b {
            let (x, y) = (a.0[i], b.0[j]);
            let (nx, ny) = (x.npos(cap), y.npos(cap));
            let mut both = [0u32; 2 * MAX_POSITIONS];
            both[..nx].copy_from_slice(&a.1[pi..pi + nx]);
            both[nx..nx + ny].copy_from_slice(&b.1[pj..pj + ny]);
            let both = &mut both[..nx + ny];
            both.sort_unstable();
            let n = both.len().min(cap);
            out_pos.extend_from_slice(&both[..n]);
            let mut tf = x.tf;
            for (t, more) in tf.iter_mut().zip(y.tf) {
                *t = t.saturating_add(more);
            }
            let merged = Post { doc: x.doc, tf };
            debug_assert_eq!(merged.npos(cap), n);
            out.push(merged);
            (i, j, pi, pj) = (i + 1, j + 1, pi + nx, pj + ny);
        } else if take_a {
            let n = a.0[i].npos(cap);
            out.push(a.0[i]);
            out_pos.extend_from_slice(&a.1[pi..pi + n]);
            (i, pi) = (i + 1, pi + n);
        } else {
            let n = b.0[j].npos(cap);
            out.push(b.0[j]);
            out_pos.extend_from_slice(&b.1[pj..pj + n]);
            (j, pj) = (j + 1, pj + n);
        }
    }
}

/// For each term, the chunks and local words holding its postings:
/// `segs[start[t]..start[t + 1]]`, in chunk order.
struct Segments {
    start: Vec<u32>,
    /// (chunk, local word)
    segs: Vec<(u32, u32)>,
}

fn term_segments(
    chunks: &[Chunk],
    remap: &[Vec<u32>],
    term_of_surface: &[u32],
    n_terms: usize,
) -> Segments {
    let used = |c: &Chunk, w: usize| c.start[w + 1] > c.start[w];
    let mut start = vec![0u32; n_terms + 1];
    for (c, m) in chunks.iter().zip(remap) {
        for (w, &s) in m.iter().enumerate() {
            if used(c, w) {
                start[term_of_surface[s as usize] as usize + 1] += 1;
            }
        }
    }
    for t in 0..n_terms {
        start[t + 1] += start[t];
    }
    let mut fill = start.clone();
    let mut segs = vec![(0u32, 0u32); start[n_terms] as usize];
    for (k, (c, m)) in chunks.iter().zip(remap).enumerate() {
        for (w, &s) in m.iter().enumerate() {
            if used(c, w) {
                let t = term_of_surface[s as usize] as usize;
                segs[fill[t] as usize] = (k as u32, w as u32);
                fill[t] += 1;
            }
        }
    }
    Segments { start, segs }
}

/// One term's encoded postings.
struct TermOut {
    df: usize,
    head: String,
    tail: Option<String>,
}

/// A run of one term's postings in one chunk: one word's, or several
/// words' merged (`start..end` of the merged postings, then of their
/// positions).
#[derive(Clone, Copy)]
enum Part {
    Word(u32, u32),
    Merged(u32, usize, usize, usize, usize),
}

/// Space one task reuses from term to term.
#[derive(Default)]
struct TermScratch {
    parts: Vec<Part>,
    merged: Vec<Post>,
    merged_pos: Vec<u32>,
    impact: Vec<f32>,
    sorted: Vec<f32>,
    /// Room for the encoded head and tail, which are copied out at their
    /// exact size.
    head: Vec<u8>,
    tail: Vec<u8>,
}

/// What scoring and encoding a term needs.
struct Scorer<'a> {
    chunks: &'a [Chunk],
    segments: &'a Segments,
    /// Field weight over length normalisation, per document and field.
    weight: &'a [[f32; 3]],
    quant: &'a Quantizer,
    limits: &'a Limits,
}

impl Scorer<'_> {
    /// Lists the runs of term `t`'s postings, merging its words where a
    /// chunk has several of them.
    fn gather(&self, t: usize, s: &mut TermScratch) {
        let segs = &self.segments.segs
            [self.segments.start[t] as usize..self.segments.start[t + 1] as usize];
        let cap = self.limits.kept_positions();
        s.parts.clear();
        s.merged.clear();
        s.merged_pos.clear();
        let mut i = 0;
        while i < segs.len() {
            let k = segs[i].0;
            let j = i + segs[i..].iter().take_while(|x| x.0 == k).count();
            if j == i + 1 {
                s.parts.push(Part::Word(k, segs[i].1));
            } else {
                let chunk = &self.chunks[k as usize];
                let lists: Vec<(&[Post], &[u32])> =
                    segs[i..j].iter().map(|&(_, w)| chunk.word(w)).collect();
                let (a, pa) = (s.merged.len(), s.merged_pos.len());
                merge_words(&lists, cap, &mut s.merged, &mut s.merged_pos);
                s.parts
                    .push(Part::Merged(k, a, s.merged.len(), pa, s.merged_pos.len()));
            }
            i = j;
        }
    }

    /// Scores (BM25F) and encodes term `t`'s postings: the best
    /// `limits.head` in the head (ties go to earlier documents), the rest
    /// in the tail.
    fn term(&self, t: usize, idf_of: &impl Fn(f32) -> f32, s: &mut TermScratch) -> TermOut {
        self.gather(t, s);
        let TermScratch {
            parts,
            merged,
            merged_pos,
            impact,
            sorted,
            head,
            tail,
        } = s;
        // A run's first document, postings and positions.
        let run = |p: &Part| -> (u32, &[Post], &[u32]) {
            match *p {
                Part::Word(k, w) => {
                    let c = &self.chunks[k as usize];
                    let (posts, pos) = c.word(w);
                    (c.first_doc, posts, pos)
                }
                Part::Merged(k, a, b, pa, pb) => (
                    self.chunks[k as usize].first_doc,
                    &merged[a..b],
                    &merged_pos[pa..pb],
                ),
            }
        };
        let df: usize = parts.iter().map(|p| run(p).1.len()).sum();
        let idf = idf_of(df as f32);
        impact.clear();
        for p in parts.iter() {
            let (first, posts, _) = run(p);
            let weight = &self.weight[first as usize..];
            impact.extend(posts.iter().map(|r| {
                let x = tf_weight(&weight[usize::from(r.doc)], r.tf);
                idf * x * (K1 + 1.0) / (K1 + x)
            }));
        }
        let cap = self.limits.kept_positions();
        let head_max = self.limits.head;
        let (threshold, mut ties) = if df > head_max {
            sorted.clear();
            sorted.extend_from_slice(impact);
            let (_, &mut th, _) =
                sorted.select_nth_unstable_by(head_max - 1, |a, b| b.total_cmp(a));
            let above = impact.iter().filter(|&&x| x > th).count();
            (th, head_max - above)
        } else {
            (f32::NEG_INFINITY, usize::MAX)
        };
        let n_head = df.min(head_max);
        // Encoded into space sized for the longest postings, at a cursor:
        // no growing or copying call per posting. (The two counts first
        // take at most 14 characters.)
        let room = |buf: &mut Vec<u8>, postings: usize| {
            let n = 14 + postings * POSTING_ROOM;
            if buf.len() < n {
                buf.resize(n, 0);
            }
        };
        room(head, n_head);
        room(tail, df - n_head);
        let (mut head_len, mut tail_len) = (0usize, 0usize);
        encode::varint_with(df as u64, |b| {
            head[head_len] = b;
            head_len += 1;
        });
        encode::varint_with(n_head as u64, |b| {
            head[head_len] = b;
            head_len += 1;
        });
        let has_tail = df > head_max;
        let (mut prev_head, mut prev_tail) = (0u32, 0u32);
        let mut k = 0;
        for p in parts.iter() {
            let (first, posts, pos) = run(p);
            let mut at = 0;
            for r in posts {
                let x = impact[k];
                k += 1;
                let doc = first + u32::from(r.doc);
                let n = r.npos(cap);
                let ps = &pos[at..at + n];
                at += n;
                let in_head = x > threshold
                    || (x == threshold && ties > 0 && {
                        ties -= 1;
                        true
                    });
                let (out, len, prev) = if in_head || !has_tail {
                    (&mut *head, &mut head_len, &mut prev_head)
                } else {
                    (&mut *tail, &mut tail_len, &mut prev_tail)
                };
                encode_posting(out, len, doc - *prev, self.quant.level(x), ps);
                *prev = doc;
            }
        }
        let (head, tail) = (&head[..head_len], &tail[..tail_len]);
        TermOut {
            df,
            head: ascii_string(head),
            tail: has_tail.then(|| ascii_string(tail)),
        }
    }
}

/// A posting's term frequency, weighted per field (see `weight`).
fn tf_weight(w: &[f32; 3], tf: [u16; 3]) -> f32 {
    w[0] * f32::from(tf[0]) + w[1] * f32::from(tf[1]) + w[2] * f32::from(tf[2])
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
        nearest_level(fast_ln(1.0 + s.max(0.0)) * self.scale)
    }
}

/// `x.round() as u32` clamped to 1..=63, for `x >= 0`, without a library
/// call or a branch. `x + 0.5` is exact unless it reaches the next power
/// of two, and rounding it then cannot pass the next integer; below 0.5
/// both give a level under 1.
fn nearest_level(x: f32) -> u32 {
    ((x + 0.5) as u32).clamp(1, 63)
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

/// The most characters one posting takes: a 32-bit number takes at most
/// seven, and a posting is its document's, its score's, its count of
/// positions and the positions.
const POSTING_ROOM: usize = 7 * (MAX_POSITIONS + 2) + 1;

/// Writes one posting at `out[*at..]` (which has [`POSTING_ROOM`] bytes
/// free): document delta, quantised score, positions.
fn encode_posting(out: &mut [u8], at: &mut usize, delta: u32, level: u32, positions: &[u32]) {
    let mut n = *at;
    {
        let mut push = |b: u8| {
            out[n] = b;
            n += 1;
        };
        encode::varint_with(u64::from(delta), &mut push);
        push(encode::ALPHABET[level as usize]);
        encode::varint_with(positions.len() as u64, &mut push);
        let mut last = 0u32;
        for &x in positions {
            encode::varint_with(u64::from(x - last), &mut push);
            last = x;
        }
    }
    *at = n;
}

fn ascii_string(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("the encoding alphabet is ASCII")
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
    /// Workshop documents, as deltas (neither lessons nor exercises).
    workshops: String,
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

/// Writes `[row, row, …]`, each row an array `write` fills in.
fn json_rows<T>(o: &mut Vec<u8>, rows: &[T], mut write: impl FnMut(&mut Vec<u8>, &T)) {
    o.push(b'[');
    for (n, row) in rows.iter().enumerate() {
        if n > 0 {
            o.push(b',');
        }
        o.push(b'[');
        write(o, row);
        o.push(b']');
    }
    o.push(b']');
}

fn push_int(o: &mut Vec<u8>, v: i64) {
    use std::io::Write;
    write!(o, "{v}").expect("writing to memory");
}

fn tail_sizes_of(t: &TermOut) -> usize {
    t.tail.as_ref().map_or(0, String::len) + 24
}

/// About the size of [`group_json`]'s output.
fn group_size(entries: &[Entry<'_>]) -> usize {
    32 + entries.iter().map(entry_size).sum::<usize>()
}

/// About the bytes one entry takes in [`group_json`]'s output.
fn entry_size(e: &Entry<'_>) -> usize {
    let mut n = e.url.len() + e.title.len() + 96;
    n += e.crumbs.iter().map(|c| c.len() + 3).sum::<usize>();
    for d in &e.docs {
        n += d.title.len() + d.anchor.len() + d.head.len() + d.body.len() + 16;
    }
    n
}

/// One file of documents (see [`document_groups`]), as
/// `{first, entries: [{kind, url, title, crumbs, label?, first, docs}]}`,
/// each document `[title, anchor, head, body]`.
fn group_json(o: &mut Vec<u8>, entries: &[Entry<'_>], first_doc: &[u32]) {
    o.extend_from_slice(b"{\"first\":");
    push_int(o, i64::from(first_doc[0]));
    o.extend_from_slice(b",\"entries\":[");
    for (k, e) in entries.iter().enumerate() {
        if k > 0 {
            o.push(b',');
        }
        o.extend_from_slice(b"{\"kind\":");
        push_js_str(o, e.kind);
        o.extend_from_slice(b",\"url\":");
        push_js_str(o, e.url);
        o.extend_from_slice(b",\"title\":");
        push_js_str(o, e.title);
        o.extend_from_slice(b",\"crumbs\":[");
        for (n, c) in e.crumbs.iter().enumerate() {
            if n > 0 {
                o.push(b',');
            }
            push_js_str(o, c);
        }
        o.push(b']');
        if let Some(label) = e.label {
            o.extend_from_slice(b",\"label\":");
            push_js_str(o, label);
        }
        o.extend_from_slice(b",\"first\":");
        push_int(o, i64::from(first_doc[k]));
        o.extend_from_slice(b",\"docs\":");
        json_rows(o, &e.docs, |o, d| {
            for (n, f) in [d.title, d.anchor, &*d.head, &*d.body]
                .into_iter()
                .enumerate()
            {
                if n > 0 {
                    o.push(b',');
                }
                push_js_str(o, f);
            }
        });
        o.push(b'}');
    }
    o.extend_from_slice(b"]}");
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

fn file(path: String, bytes: Arc<[u8]>) -> OutputFile {
    OutputFile { path, bytes }
}

/// The next number of a small fixed sequence (xorshift64; `seed` must
/// not be 0), for the tests' generated texts.
#[cfg(test)]
fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Analyses the documents and writes every shard.
#[cfg(test)]
fn build_files(entries: &[Entry<'_>], an: &Analyzer, limits: &Limits) -> Vec<OutputFile> {
    index_files(entries, an, limits, &Laps::new(&|| false)).unwrap_or_default()
}

/// Analyses the documents and writes every shard; gives up, returning
/// `None`, as soon as `laps` says so between its steps.
fn index_files(
    entries: &[Entry<'_>],
    an: &Analyzer,
    limits: &Limits,
    laps: &Laps<'_>,
) -> Option<Vec<OutputFile>> {
    // Documents, numbered in entry order.
    let mut docs: Vec<&DocText<'_>> = Vec::new();
    let mut first_doc: Vec<u32> = Vec::with_capacity(entries.len());
    for e in entries {
        first_doc.push(docs.len() as u32);
        docs.extend(e.docs.iter());
    }
    let n_docs = docs.len() as u32;

    // 1. Tokenise and fold, in chunks of documents (in parallel).
    // Few chunks keep each term's postings in long runs; a cap on their
    // size keeps a chunk's working space small in very large books.
    let chunk_size = docs.len().div_ceil(16).clamp(16, MAX_CHUNK);
    let pool: Pool<Workspace> = Pool::new();
    let chunks: Vec<Chunk> = docs
        .par_chunks(chunk_size)
        .enumerate()
        .map(|(k, c)| pool.with(|ws| analyse_chunk(c, (k * chunk_size) as u32, an, limits, ws)))
        .collect();
    drop(pool);
    laps.lap("tokenise")?;
    laps.note(&format!(
        "{} chunks, {} postings, {} positions",
        chunks.len(),
        chunks.iter().map(|c| c.posts.len()).sum::<usize>(),
        chunks.iter().map(|c| c.pos.len()).sum::<usize>()
    ));

    // 2. The vocabulary: each folded word once, stemmed once.
    let vocab = Vocabulary::new(&chunks, an);
    laps.lap("vocabulary")?;
    laps.note(&format!(
        "{n_docs} documents, {} words, {} terms",
        vocab.surfaces.len(),
        vocab.terms.len()
    ));

    // 3. Where each term's postings are: its words' runs, chunk by chunk.
    let segments = term_segments(
        &chunks,
        &vocab.remap,
        &vocab.term_of_surface,
        vocab.terms.len(),
    );
    laps.lap("invert")?;

    // 4. Scores (BM25F) and encoding, one term per task, in the order the
    // browser searches terms.
    let order = vocab.search_order();
    let (mut encoded, imax) = score_terms(&chunks, &segments, &order, n_docs, limits);
    // The postings are encoded: their memory is free for the files. (Freed
    // on the worker threads, which made them: the allocator then hands the
    // memory to the files, where freeing it here left it unused.)
    drop(segments);
    chunks.into_par_iter().for_each(drop);
    laps.lap("score and encode")?;

    // 5. Tail, term and vocabulary shards.
    let mut files: Vec<OutputFile> = Vec::new();
    let tail_ids = tail_files(&mut files, &encoded, &vocab.terms, &order, limits);
    // The tails are written: their memory, too, is free for the files.
    encoded.par_iter_mut().for_each(|t| t.tail = None);
    let words = vocab.word_order();
    let term_bounds = term_files(
        &mut files, &encoded, &vocab, &order, &words, &tail_ids, limits,
    );
    laps.lap("term files")?;
    let vocab_bounds = vocab_files(&mut files, &encoded, &vocab, &order, &words, limits);
    laps.lap("vocabulary files")?;

    // 6. Files of documents: a page with the exercises placed after it,
    // and the next pages while the file stays small.
    let groups = document_files(&mut files, entries, &first_doc, limits.doc_file);
    laps.lap("document files")?;

    // 7. The manifest.
    let manifest = Manifest {
        v: 1,
        docs: n_docs,
        groups: groups.len() as u32,
        per_group: docs_per_group(entries, &groups),
        exercises: docs_of_kind(entries, &first_doc, "exercise"),
        workshops: docs_of_kind(entries, &first_doc, "workshop"),
        imax,
        vocab: vocab_bounds,
        terms: term_bounds,
        chapters: chapters_out(entries, &first_doc),
        stop: an.stop_words(),
        stemmer: an.stemmer_name,
        head: limits.head,
    };
    files.push(file("_search/manifest.js".into(), shard("m", &manifest)));
    laps.lap("manifest");
    Some(files)
}

/// The steps' times (printed with `HB_SEARCH_TIMING` set), and whether to
/// give up.
struct Laps<'a> {
    start: std::time::Instant,
    /// CPU time and page faults at the start.
    cpu_start: (Duration, i64),
    print: bool,
    stop: &'a (dyn Fn() -> bool + Sync),
}

impl<'a> Laps<'a> {
    fn new(stop: &'a (dyn Fn() -> bool + Sync)) -> Laps<'a> {
        let print = std::env::var_os("HB_SEARCH_TIMING").is_some();
        Laps {
            start: std::time::Instant::now(),
            cpu_start: if print { usage() } else { (Duration::ZERO, 0) },
            print,
            stop,
        }
    }

    /// Reports a step done; `None` when the index is to be given up.
    fn lap(&self, what: &str) -> Option<()> {
        if self.print {
            let (cpu, faults) = usage();
            let cpu = cpu.saturating_sub(self.cpu_start.0);
            let wall = self.start.elapsed();
            self.note(&format!(
                "{what} at {} ms (process CPU since the start: {} ms, page faults: {})",
                wall.as_millis(),
                cpu.as_millis(),
                faults - self.cpu_start.1
            ));
        }
        (!(self.stop)()).then_some(())
    }

    fn note(&self, what: &str) {
        if self.print {
            eprintln!("search: {what}");
        }
    }
}

/// User and system time of the whole process so far (every thread's), and
/// its page faults that needed no reading from disk (memory first used).
fn usage() -> (Duration, i64) {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return (Duration::ZERO, 0);
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (tv(u.ru_utime) + tv(u.ru_stime), i64::from(u.ru_minflt))
}

/// Every folded word of the book once, with its stem (index term). It
/// holds its own copies of the words, so that the chunks, by far the
/// larger, can go before the files are written.
struct Vocabulary {
    /// Folded words ("surfaces"), numbered in order of first appearance.
    surfaces: Vec<Box<str>>,
    /// Per surface word: a stop word?
    stop: Vec<bool>,
    /// Per surface word: its term.
    term_of_surface: Vec<u32>,
    /// Index terms, numbered in order of first appearance.
    terms: Vec<Box<str>>,
    /// Per chunk: its local word numbers to surface numbers.
    remap: Vec<Vec<u32>>,
}

impl Vocabulary {
    fn new(chunks: &[Chunk], an: &Analyzer) -> Vocabulary {
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
        let stems: Vec<Cow<'_, str>> = surfaces
            .par_iter()
            .zip(&stop)
            .map(|(w, &s)| if s { Cow::Borrowed(*w) } else { an.stem(w) })
            .collect();
        let mut term_id: FxMap<&str, u32> = FxMap::default();
        let mut first: Vec<usize> = Vec::new();
        let term_of_surface: Vec<u32> = stems
            .iter()
            .enumerate()
            .map(|(s, t)| {
                *term_id.entry(t).or_insert_with(|| {
                    first.push(s);
                    first.len() as u32 - 1
                })
            })
            .collect();
        drop(term_id);
        // Each term's text, taken from the first surface word that has it.
        let mut stems: Vec<Option<Cow<'_, str>>> = stems.into_iter().map(Some).collect();
        let terms = first
            .iter()
            .map(|&s| {
                let t = stems[s].take().expect("each surface word names one term");
                t.into_owned().into_boxed_str()
            })
            .collect();
        Vocabulary {
            surfaces: surfaces.into_iter().map(Box::from).collect(),
            stop,
            term_of_surface,
            terms,
            remap,
        }
    }

    fn term(&self, t: u32) -> &str {
        &self.terms[t as usize]
    }

    fn surface(&self, s: u32) -> &str {
        &self.surfaces[s as usize]
    }

    /// Term numbers in the order the browser searches them.
    fn search_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.terms.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| js_cmp(self.term(a), self.term(b)));
        order
    }

    /// Surface words that are not stop words, in the browser's order.
    fn word_order(&self) -> Vec<u32> {
        let mut words: Vec<u32> = (0..self.surfaces.len() as u32)
            .filter(|&s| !self.stop[s as usize])
            .collect();
        words.par_sort_unstable_by(|&a, &b| js_cmp(self.surface(a), self.surface(b)));
        words
    }
}

/// Every term's scored and encoded postings, in `order`, and the top of the
/// score scale: the best score possible, a term found in a single document.
fn score_terms(
    chunks: &[Chunk],
    segments: &Segments,
    order: &[u32],
    n_docs: u32,
    limits: &Limits,
) -> (Vec<TermOut>, f32) {
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
    let n = n_docs as f32;
    let idf_of = |df: f32| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    let imax = idf_of(1.0) * (K1 + 1.0);
    let quant = Quantizer::new(imax);
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
    let scorer = Scorer {
        chunks,
        segments,
        weight: &weight,
        quant: &quant,
        limits,
    };
    // One scratch space per running task (the room for a frequent term's
    // postings is megabytes, faulted in once).
    let pool: Pool<TermScratch> = Pool::new();
    let encoded = order
        .par_iter()
        .map(|&t| pool.with(|scratch| scorer.term(t as usize, &idf_of, scratch)))
        .collect();
    (encoded, imax)
}

/// Tails (a frequent term's further postings), in term order, packed into
/// files of about `limits.tail_shard` bytes. Returns, per term in search
/// order, the number of the file holding its tail, or -1.
fn tail_files(
    files: &mut Vec<OutputFile>,
    encoded: &[TermOut],
    terms: &[Box<str>],
    order: &[u32],
    limits: &Limits,
) -> Vec<i64> {
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
        let rows = &with_tail[r.clone()];
        let size = rows.iter().map(|&i| tail_sizes_of(&encoded[i])).sum();
        let bytes = shard_with(&format!("r{k}"), size, |o| {
            json_rows(o, rows, |o, &i| {
                push_js_str(o, &terms[order[i] as usize]);
                o.push(b',');
                push_js_str(o, encoded[i].tail.as_deref().unwrap_or(""));
            });
        });
        file(format!("_search/r/{k}.js"), bytes)
    }));
    tail_ids
}

/// Term shards: runs of rows `[term, postings, surface words, tail file or
/// -1]`. Returns the first term of each shard.
fn term_files<'v>(
    files: &mut Vec<OutputFile>,
    encoded: &[TermOut],
    vocab: &'v Vocabulary,
    order: &[u32],
    words: &[u32],
    tail_ids: &[i64],
    limits: &Limits,
) -> Vec<&'v str> {
    let mut forms: Vec<Vec<&str>> = vec![Vec::new(); vocab.terms.len()];
    for &s in words {
        forms[vocab.term_of_surface[s as usize] as usize].push(vocab.surface(s));
    }
    let rows: Vec<usize> = (0..order.len()).filter(|&i| encoded[i].df > 0).collect();
    let row_forms: Vec<String> = rows
        .par_iter()
        .map(|&i| forms[order[i] as usize].join(" "))
        .collect();
    let sizes: Vec<usize> = rows
        .iter()
        .zip(&row_forms)
        .map(|(&i, f)| vocab.term(order[i]).len() + encoded[i].head.len() + f.len() + 16)
        .collect();
    let term_ranges = cut_shards(&sizes, limits.term_shard);
    files.par_extend(term_ranges.par_iter().enumerate().map(|(k, r)| {
        let size = sizes[r.clone()].iter().sum();
        let js: Vec<usize> = r.clone().collect();
        let bytes = shard_with(&format!("t{k}"), size, |o| {
            json_rows(o, &js, |o, &j| {
                let i = rows[j];
                push_js_str(o, vocab.term(order[i]));
                o.push(b',');
                push_js_str(o, &encoded[i].head);
                o.push(b',');
                push_js_str(o, &row_forms[j]);
                o.push(b',');
                push_int(o, tail_ids[i]);
            });
        });
        file(format!("_search/t/{k}.js"), bytes)
    }));
    term_ranges
        .iter()
        .map(|r| vocab.term(order[rows[r.start]]))
        .collect()
}

/// Vocabulary shards: word → term, with a frequency class. Returns the
/// first word of each shard.
fn vocab_files<'v>(
    files: &mut Vec<OutputFile>,
    encoded: &[TermOut],
    vocab: &'v Vocabulary,
    order: &[u32],
    words: &[u32],
    limits: &Limits,
) -> Vec<&'v str> {
    let mut df_of_term = vec![0usize; vocab.terms.len()];
    for (i, &t) in order.iter().enumerate() {
        df_of_term[t as usize] = encoded[i].df;
    }
    let freq = |t: u32| -> u32 {
        let df = df_of_term[t as usize] as f64;
        ((df + 1.0).log2().ceil() as u32).min(63)
    };
    let sizes: Vec<usize> = words.iter().map(|&s| vocab.surface(s).len() + 6).collect();
    let ranges = cut_shards(&sizes, limits.vocab_shard);
    files.par_extend(ranges.par_iter().enumerate().map(|(k, r)| {
        let mut s = String::new();
        let mut prev = "";
        for &v in &words[r.clone()] {
            if !s.is_empty() {
                s.push('|');
            }
            let w = vocab.surface(v);
            let t = vocab.term_of_surface[v as usize];
            vocab_entry(&mut s, prev, w, vocab.term(t), freq(t));
            prev = w;
        }
        file(format!("_search/v/{k}.js"), shard(&format!("v{k}"), &s))
    }));
    ranges
        .iter()
        .map(|r| vocab.surface(words[r.start]))
        .collect()
}

/// The files of documents, grouped by [`document_groups`]. Returns the
/// entries of each file.
fn document_files(
    files: &mut Vec<OutputFile>,
    entries: &[Entry<'_>],
    first_doc: &[u32],
    target: usize,
) -> Vec<std::ops::Range<usize>> {
    let groups = document_groups(entries, target);
    files.par_extend(groups.par_iter().enumerate().map(|(g, r)| {
        let bytes = shard_with(&format!("d{g}"), group_size(&entries[r.clone()]), |o| {
            group_json(o, &entries[r.clone()], &first_doc[r.clone()]);
        });
        file(format!("_search/d/{g}.js"), bytes)
    }));
    groups
}

/// Entries grouped into document files: a page with the exercises placed
/// after it, and then the pages after it, as long as the file stays
/// within `target` bytes. A page is never split, so a long one has a file
/// of its own.
fn document_groups(entries: &[Entry<'_>], target: usize) -> Vec<std::ops::Range<usize>> {
    // Each page with its exercises, and its bytes.
    let mut pages: Vec<std::ops::Range<usize>> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        match (pages.last_mut(), sizes.last_mut()) {
            (Some(r), Some(n)) if e.kind == "exercise" => {
                r.end = k + 1;
                *n += entry_size(e);
            }
            _ => {
                pages.push(k..k + 1);
                sizes.push(entry_size(e));
            }
        }
    }
    (cut_shards(&sizes, target).into_iter())
        .map(|r| pages[r.start].start..pages[r.end - 1].end)
        .collect()
}

/// Documents per document file, as variable-length numbers.
fn docs_per_group(entries: &[Entry<'_>], groups: &[std::ops::Range<usize>]) -> String {
    let mut out = String::new();
    for r in groups {
        let n: usize = entries[r.clone()].iter().map(|e| e.docs.len()).sum();
        varint(&mut out, n as u64);
    }
    out
}

/// The document numbers of the entries of one kind, as deltas.
fn docs_of_kind(entries: &[Entry<'_>], first_doc: &[u32], kind: &str) -> String {
    let mut out = String::new();
    let mut last = 0u64;
    for (k, e) in entries.iter().enumerate() {
        if e.kind == kind {
            for d in 0..e.docs.len() as u64 {
                let doc = u64::from(first_doc[k]) + d;
                varint(&mut out, doc - last);
                last = doc;
            }
        }
    }
    out
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
                title: page.map_or("", |p| p.title),
                url: page.map_or("", |p| p.url),
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
        title: &'static str,
        chapters: Vec<usize>,
        docs: Vec<(&'static str, &'static str)>,
    ) -> Entry<'static> {
        // Entries borrow their text; a test's few URLs can live for good.
        let url = format!("{}.html", title.to_lowercase().replace(' ', "-"));
        Entry {
            kind,
            url: Box::leak(url.into_boxed_str()),
            title,
            crumbs: vec![],
            label: None,
            chapters,
            docs: docs
                .into_iter()
                .map(|(t, b)| DocText {
                    title: t,
                    anchor: "",
                    head: Cow::Borrowed(""),
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
    fn rounding_matches_the_library() {
        for i in 0..200_000 {
            let x = i as f32 / 2_000.0;
            for y in [x, f32::from_bits(x.to_bits() + 1), x - f32::EPSILON] {
                let y = y.max(0.0);
                assert_eq!(nearest_level(y), (y.round() as u32).clamp(1, 63), "{y}");
            }
        }
        // Just under each half, where adding one half could round up.
        for k in 0..64 {
            let half = k as f32 + 0.5;
            for y in [
                half,
                f32::from_bits(half.to_bits() - 1),
                f32::from_bits(half.to_bits() + 1),
            ] {
                assert_eq!(nearest_level(y), (y.round() as u32).clamp(1, 63), "{y}");
            }
        }
    }

    #[test]
    fn squashed_text_is_what_squash_leaves_alone() {
        // White space of each kind, alone and doubled, at every offset
        // around the eight-byte steps, and a vertical tab (not ASCII white
        // space for `squash`).
        let pieces = [
            "a", "bc", "defghij", " ", "  ", "\t", "\n", "\r", "\u{c}", "\u{b}", "é", "x y",
        ];
        let mut seed = 0x1234_5678_9abc_def1u64;
        for _ in 0..20_000 {
            let mut t = String::new();
            for _ in 0..xorshift(&mut seed) % 9 {
                t.push_str(pieces[(xorshift(&mut seed) % pieces.len() as u64) as usize]);
            }
            assert_eq!(is_squashed(&t), squash(&t) == t, "{t:?}");
        }
    }

    #[test]
    fn words_of_one_term_merge_by_document() {
        let post = |doc, tf: [u16; 3]| Post { doc, tf };
        let a = [post(1, [1, 0, 0]), post(4, [0, 0, 2])];
        let b = [post(2, [0, 1, 0]), post(4, [0, 0, 65_535])];
        let c = [post(4, [0, 1, 0]), post(9, [0, 0, 1])];
        // Each use has a position, up to four.
        let (pa, pb, pc) = ([3, 20, 30], [7, 5, 25, 40, 50], [1, 8]);
        let mut out = Vec::new();
        let mut pos = Vec::new();
        merge_words(&[(&a, &pa), (&b, &pb), (&c, &pc)], 4, &mut out, &mut pos);
        let got: Vec<(u16, [u16; 3], usize)> =
            out.iter().map(|p| (p.doc, p.tf, p.npos(4))).collect();
        assert_eq!(
            got,
            [
                (1, [1, 0, 0], 1),
                (2, [0, 1, 0], 1),
                (4, [0, 1, 65_535], 4),
                (9, [0, 0, 1], 1)
            ]
        );
        assert_eq!(pos, [3, 7, 1, 5, 20, 25, 8]);
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
            // A file per page.
            doc_file: 0,
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
    fn document_files_hold_pages_up_to_their_target() {
        let (entries, _) = small_index(&Limits::default());
        // Pages with the exercises after them: home, chapter, lesson with
        // its exercise, chapter, lesson.
        let page = |r: std::ops::Range<usize>| entries[r].iter().map(entry_size).sum::<usize>();
        let sizes = [page(0..1), page(1..2), page(2..4), page(4..5), page(5..6)];
        // The lesson with its exercise just fits: the pages before it
        // share a file, so do the pages after it, and it has its own.
        let target = sizes[2];
        assert!(sizes[0] + sizes[1] <= target && sizes[3] + sizes[4] <= target);
        assert!(sizes[0] + sizes[1] + sizes[2] > target && sizes[2] + sizes[3] > target);
        assert_eq!(document_groups(&entries, target), [0..2, 2..4, 4..6]);
        // A target below every page: a file per page, the exercise still
        // with its lesson.
        assert_eq!(document_groups(&entries, 0), [0..1, 1..2, 2..4, 4..5, 5..6]);
        // The files and the manifest agree: documents are found in them
        // by number.
        let limits = Limits {
            doc_file: target,
            ..Limits::default()
        };
        let an = Analyzer::new("en", None).unwrap();
        let files = build_files(&entries, &an, &limits);
        let m = payload(&files, "_search/manifest.js");
        assert_eq!(m["groups"], 3);
        let mut per_group = Reader::new(m["per_group"].as_str().unwrap());
        let counts: Vec<u64> = std::iter::from_fn(|| per_group.varint()).collect();
        assert_eq!(counts, [2, 3, 2], "documents in each file");
        let entries_of = |k: usize| -> Vec<(String, u64)> {
            let d = payload(&files, &format!("_search/d/{k}.js"));
            (d["entries"].as_array().unwrap().iter())
                .map(|e| {
                    (
                        e["title"].as_str().unwrap().to_string(),
                        e["first"].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        let owned = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
            v.iter().map(|&(t, n)| (t.to_string(), n)).collect()
        };
        assert_eq!(entries_of(0), owned(&[("Home", 0), ("Mission", 1)]));
        assert_eq!(
            entries_of(1),
            owned(&[("Writing a mission", 2), ("Mission ladder", 4)])
        );
        assert_eq!(entries_of(2), owned(&[("Staff", 5), ("Shadowing", 6)]));
        assert_eq!(payload(&files, "_search/d/2.js")["first"], 5);
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
