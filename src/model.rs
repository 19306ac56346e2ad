//! Stage 4: the handbook's structure. Pages get ids, output paths, an order,
//! parents and previous/next links; folders become chapters.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use unicode_normalization::char::is_combining_mark;

use crate::diag::{Diagnostic, Severity, Source};
use crate::discover::Asset;
use crate::frontmatter::ParsedPage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Home,
    Chapter,
    Lesson,
}

#[derive(Debug)]
pub struct Page {
    /// `chapter/lesson`: the source path under `content/` without number
    /// prefixes or `.md`. Exercises and workshop plans name lessons by it.
    pub id: String,
    pub kind: PageKind,
    pub parsed: ParsedPage,
    /// Output path, `/`-separated, relative to the site root.
    pub out: String,
    /// The chapter this page belongs to (for a chapter index: itself).
    pub section: usize,
    pub prev: Option<usize>,
    pub next: Option<usize>,
}

impl Page {
    pub fn title(&self) -> &str {
        &self.parsed.front.title
    }
    pub fn source(&self) -> &Source {
        &self.parsed.file.source
    }
    pub fn rel(&self) -> &str {
        &self.parsed.file.rel
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    Page(usize),
    Section(usize),
}

/// A folder under `content/` (the root folder is section 0, the home page).
#[derive(Debug)]
pub struct Section {
    pub id: String,
    /// Folder path under `content/` as written (`01-management`), `""` for the root.
    pub dir: String,
    /// The page for its `index.md`.
    pub index: usize,
    pub parent: Option<usize>,
    /// Lessons and sub-chapters, in order.
    pub children: Vec<Node>,
}

#[derive(Debug)]
pub struct OutAsset {
    pub asset: Asset,
    pub out: String,
}

#[derive(Debug)]
pub struct Book {
    /// All pages in reading order: home first, then depth-first.
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub assets: Vec<OutAsset>,
    /// Page index by source path under `content/`.
    pub by_rel: HashMap<String, usize>,
    /// Page index by id.
    pub by_id: HashMap<String, usize>,
    /// Asset output path by source path under `content/`.
    pub asset_by_rel: HashMap<String, usize>,
    /// Source paths under `content/` of the drafts left out of this build,
    /// each with the file marked `draft: true` (the page itself, or the
    /// index.md of a draft chapter holding it), so that a link to one can
    /// say so.
    pub drafts: BTreeMap<String, String>,
    /// The ids of the lessons among them, each with its file marked
    /// `draft: true`: exercises that belong to one are left out with it.
    pub draft_lessons: HashMap<String, String>,
    /// Exercises left out because their lesson is a draft, by id, with
    /// that file (see [`crate::exercise::take_drafts`]).
    pub draft_exercises: HashMap<String, String>,
}

impl Book {
    /// The message and hint for a lesson id that names no lesson: it may
    /// be a draft left out of this build, or a misspelling.
    pub fn missing_lesson(&self, id: &str) -> (String, String) {
        if let Some(marked) = self.draft_lessons.get(id) {
            return (
                format!("lesson `{id}` is a draft, left out of this build"),
                draft_hint(marked),
            );
        }
        let hint = match closest_path(id, self.lessons().map(|p| p.id.as_str())) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "use the lesson's id: its path under content/ without number prefixes or `.md`"
                .into(),
        };
        (format!("no lesson with id `{id}`"), hint)
    }
}

/// What to do about a reference to a draft, given the file marked
/// `draft: true` (under `content/`).
pub fn draft_hint(marked: &str) -> String {
    format!("remove `draft: true` from `content/{marked}`, or include drafts with `--drafts`")
}

impl Book {
    /// The chapters above a page, outermost first (not including the home page).
    pub fn ancestors(&self, page: usize) -> Vec<usize> {
        let p = &self.pages[page];
        let start = if p.kind == PageKind::Chapter {
            self.sections[p.section].parent
        } else {
            Some(p.section)
        };
        let mut chain: Vec<usize> = (self.section_chain(start))
            .map(|i| self.sections[i].index)
            .collect();
        chain.reverse();
        chain
    }

    /// Section `start` and the sections holding it, innermost first; the
    /// root (the home page's) is left out.
    pub fn section_chain(&self, start: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(start, |&i| self.sections[i].parent).filter(|&i| i != 0)
    }

    pub fn lessons(&self) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(|p| p.kind == PageKind::Lesson)
    }
}

/// Drops a leading number prefix such as `02-` or `10_`; returns it as well.
pub fn strip_number(name: &str) -> (Option<i64>, &str) {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < name.len() {
        let rest = &name[digits..];
        if let Some(r) = rest.strip_prefix(['-', '_', '.', ' ']) {
            if !r.is_empty() {
                return (name[..digits].parse().ok(), r);
            }
        }
    }
    (None, name)
}

/// A URL-safe slug: lower case, runs of other characters become one `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    // Composed first (see `fsx::composed`): `é` typed as `e` and an accent
    // is one letter, not a break in the word.
    for c in crate::fsx::composed(s).chars() {
        if is_combining_mark(c) && !dash && !out.is_empty() {
            // A mark with no composed form stays on its letter.
            out.push(c);
        } else if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// The slug of one path component (a folder or a file stem).
pub fn component_slug(name: &str) -> String {
    let (_, rest) = strip_number(name);
    let s = slugify(rest);
    if !s.is_empty() {
        return s;
    }
    // No letter or digit at all (`😀.md`): the characters' code points,
    // so that the page still has a name of its own, not `.html`.
    let points: Vec<String> = (rest.chars())
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
        .map(|c| format!("u{:x}", u32::from(c)))
        .collect();
    if !points.is_empty() {
        return points.join("-");
    }
    match slugify(name) {
        s if s.is_empty() => "page".into(),
        s => s,
    }
}

/// The path (or id) `word` was probably meant to be: the closest by
/// spelling, or else one in the same folder whose name, without its
/// number prefix and extension, starts with this one's or the reverse, at
/// a `-` (a file renamed by shortening or lengthening it: `sbi-model` and
/// `sbi`), the nearest in length.
pub fn closest_path<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    // By spelling, allowing for the length of the name rather than of the
    // whole path: `workshops/month.yaml` is not a misspelt `workshops/day.yaml`.
    let name_len = word.rsplit('/').next().unwrap_or(word).len();
    let by_spelling = (candidates.iter())
        .map(|&c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, _)| d <= 2.max(name_len / 3))
        .min_by_key(|&(d, _)| d);
    if let Some((_, c)) = by_spelling {
        return Some(c);
    }
    let (dir, name) = path_parts(word);
    let extends = |long: &str, short: &str| {
        short.len() >= 3
            && long.len() > short.len()
            && long.starts_with(short)
            && long.as_bytes()[short.len()] == b'-'
    };
    (candidates.into_iter())
        .filter(|c| {
            let (d, n) = path_parts(c);
            d == dir && (extends(&n, &name) || extends(&name, &n))
        })
        .min_by_key(|c| path_parts(c).1.len().abs_diff(name.len()))
}

/// The candidate that names the same page as `word` once number prefixes
/// and extensions are left out: `ch/sbi-model.html` (a page's address, as
/// a reader sees it) and `01-ch/02-sbi-model.md` (its file).
pub fn same_page<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let parts = path_parts(word);
    (candidates.into_iter()).find(|c| path_parts(c) == parts)
}

/// A path's folders and name, each without its number prefix (`01-`, as
/// [`strip_number`] takes it off for addresses),
/// the name without its extension.
fn path_parts(p: &str) -> (String, String) {
    let bare = |s: &str| strip_number(s).1.to_string();
    let (dir, name) = p.rsplit_once('/').unwrap_or(("", p));
    let name = name.split_once('.').map_or(name, |(n, _)| n);
    (
        dir.split('/').map(bare).collect::<Vec<_>>().join("/"),
        bare(name),
    )
}

/// A page file's name without its `.md` extension, in any case (`.MD`).
pub fn md_stem(name: &str) -> &str {
    match name.len().checked_sub(3) {
        Some(i) if name.is_char_boundary(i) && name[i..].eq_ignore_ascii_case(".md") => &name[..i],
        _ => name,
    }
}

/// A lesson's id from its path under `content/` (a `.md` file).
fn lesson_id(rel: &str) -> String {
    let stem = md_stem(file_name(rel));
    let d = out_dir(parent_dir(rel));
    if d.is_empty() {
        component_slug(stem)
    } else {
        format!("{d}/{}", component_slug(stem))
    }
}

/// Output folder for a source folder: each component slugged.
fn out_dir(dir: &str) -> String {
    dir.split('/')
        .filter(|c| !c.is_empty())
        .map(component_slug)
        .collect::<Vec<_>>()
        .join("/")
}

fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// Whether a page is its folder's index (a chapter's, or the home page).
fn is_index(rel: &str) -> bool {
    file_name(rel).eq_ignore_ascii_case("index.md")
}

fn file_name(rel: &str) -> &str {
    rel.rfind('/').map_or(rel, |i| &rel[i + 1..])
}

/// Output paths the generator itself writes; content may not use them.
pub const RESERVED: &[&str] = &[
    "exercises",
    "workshops",
    "search.html",
    "contents.html",
    "404.html",
    "print.html",
    "_theme",
    "_search",
    "nav.js",
    "print",
];

/// Builds the structure from parsed pages and assets.
pub fn build(pages: Vec<ParsedPage>, assets: Vec<Asset>, drafts: bool) -> (Book, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    // A chapter whose index.md is a draft is a draft as a whole: its
    // lessons and sub-chapters are left out with it.
    let draft_dirs: Vec<String> = (pages.iter())
        .filter(|p| !drafts && p.front.draft && is_index(&p.file.rel))
        .map(|p| parent_dir(&p.file.rel).to_string())
        .filter(|d| !d.is_empty())
        .collect();
    // The file marked `draft: true` that leaves a page out: its own, or
    // the index.md of a draft chapter holding it.
    let marked_draft = |p: &ParsedPage| -> Option<String> {
        if drafts {
            return None;
        }
        if p.front.draft {
            return Some(p.file.rel.clone());
        }
        (draft_dirs.iter())
            .find(|d| (p.file.rel.strip_prefix(d.as_str())).is_some_and(|r| r.starts_with('/')))
            .map(|d| format!("{d}/index.md"))
    };
    let mut left_out: BTreeMap<String, String> = BTreeMap::new();
    let pages: Vec<ParsedPage> = (pages.into_iter())
        .filter(|p| match marked_draft(p) {
            Some(marked) => {
                left_out.insert(p.file.rel.clone(), marked);
                false
            }
            None => true,
        })
        .collect();

    // Folders that hold pages become sections; their ancestors too.
    let mut dirs: BTreeMap<String, Option<usize>> = BTreeMap::new(); // dir -> index page (in `pages`)
    dirs.insert(String::new(), None);
    for (i, p) in pages.iter().enumerate() {
        let dir = parent_dir(&p.file.rel).to_string();
        let mut d = dir.as_str();
        loop {
            dirs.entry(d.to_string()).or_insert(None);
            if d.is_empty() {
                break;
            }
            d = parent_dir(d);
        }
        if is_index(&p.file.rel) {
            dirs.insert(dir, Some(i));
        }
    }
    for (dir, index) in &dirs {
        if index.is_none() {
            let (what, hint) = if dir.is_empty() && left_out.contains_key("index.md") {
                diags.push(
                    Diagnostic::file(
                        Severity::Error,
                        "content/index.md",
                        "the home page is marked `draft: true`",
                    )
                    .with_hint("the home page is always published: remove `draft: true`"),
                );
                continue;
            } else if dir.is_empty() {
                (
                    "content/index.md".to_string(),
                    "create `content/index.md` with a title: it is the home page",
                )
            } else {
                (
                    format!("content/{dir}"),
                    "add an `index.md` with the chapter's title and introduction",
                )
            };
            diags.push(
                Diagnostic::file(Severity::Error, what, "this chapter folder has no index.md")
                    .with_hint(hint),
            );
        }
    }
    if diags.iter().any(Diagnostic::is_error) {
        return (empty_book(), diags);
    }

    // Sections, with their children sorted.
    let dir_list: Vec<String> = dirs.keys().cloned().collect();
    let sec_of: HashMap<&str, usize> = dir_list
        .iter()
        .enumerate()
        .map(|(i, d)| (d.as_str(), i))
        .collect();
    let mut child_keys: Vec<Vec<((i64, String), Node)>> = vec![Vec::new(); dir_list.len()];
    let order_key = |p: &ParsedPage, name: &str| -> (i64, String) {
        let (num, _) = strip_number(md_stem(name));
        (p.front.order.or(num).unwrap_or(i64::MAX), name.to_string())
    };
    for (i, p) in pages.iter().enumerate() {
        let name = file_name(&p.file.rel);
        if name.eq_ignore_ascii_case("index.md") {
            let dir = parent_dir(&p.file.rel);
            if !dir.is_empty() {
                let parent = sec_of[parent_dir(dir)];
                child_keys[parent].push((order_key(p, file_name(dir)), Node::Section(sec_of[dir])));
            }
        } else {
            child_keys[sec_of[parent_dir(&p.file.rel)]].push((order_key(p, name), Node::Page(i)));
        }
    }
    for c in &mut child_keys {
        c.sort_by(|a, b| a.0.cmp(&b.0));
    }

    // Reading order: depth-first from the root section.
    let mut order: Vec<(usize, usize, PageKind)> = Vec::with_capacity(pages.len()); // (parsed idx, section, kind)
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)]; // (section, next child position)
    order.push((dirs[""].unwrap(), 0, PageKind::Home));
    while let Some((sec, pos)) = stack.pop() {
        if let Some((_, node)) = child_keys[sec].get(pos) {
            stack.push((sec, pos + 1));
            match *node {
                Node::Page(i) => order.push((i, sec, PageKind::Lesson)),
                Node::Section(s) => {
                    order.push((dirs[&dir_list[s]].unwrap(), s, PageKind::Chapter));
                    stack.push((s, 0));
                }
            }
        }
    }

    let mut slot: Vec<Option<ParsedPage>> = pages.into_iter().map(Some).collect();
    let mut new_index = vec![0usize; slot.len()];
    let mut out_pages = Vec::with_capacity(order.len());
    for (n, &(i, sec, kind)) in order.iter().enumerate() {
        let parsed = slot[i]
            .take()
            .expect("each page appears once in reading order");
        new_index[i] = n;
        let dir = parent_dir(&parsed.file.rel);
        let (id, out) = match kind {
            PageKind::Home => (String::new(), "index.html".to_string()),
            PageKind::Chapter => {
                let id = out_dir(dir);
                let out = format!("{id}/index.html");
                (id, out)
            }
            PageKind::Lesson => {
                let id = lesson_id(&parsed.file.rel);
                let out = format!("{id}.html");
                (id, out)
            }
        };
        out_pages.push(Page {
            id,
            kind,
            parsed,
            out,
            section: sec,
            prev: n.checked_sub(1),
            next: None,
        });
    }
    let last = out_pages.len().saturating_sub(1);
    for (n, p) in out_pages.iter_mut().enumerate() {
        p.next = (n < last).then_some(n + 1);
    }
    let sections: Vec<Section> = dir_list
        .iter()
        .enumerate()
        .map(|(s, dir)| Section {
            id: out_dir(dir),
            dir: dir.clone(),
            index: new_index[dirs[dir].unwrap()],
            parent: (!dir.is_empty()).then(|| sec_of[parent_dir(dir)]),
            children: child_keys[s]
                .iter()
                .map(|(_, n)| match *n {
                    Node::Page(i) => Node::Page(new_index[i]),
                    Node::Section(s) => Node::Section(s),
                })
                .collect(),
        })
        .collect();

    let assets: Vec<OutAsset> = assets
        .into_iter()
        .map(|a| {
            let dir = out_dir(parent_dir(&a.rel));
            let name = file_name(&a.rel);
            let out = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            OutAsset { asset: a, out }
        })
        .collect();

    let by_rel = out_pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.parsed.file.rel.clone(), i))
        .collect();
    // Of two pages with one id (an error, see [`check_collisions`]), the
    // id names the first: the error is reported at the second, and what
    // names the id is checked against the page it was written for.
    let mut by_id = HashMap::new();
    for (i, p) in out_pages.iter().enumerate() {
        by_id.entry(p.id.clone()).or_insert(i);
    }
    let asset_by_rel = assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.asset.rel.clone(), i))
        .collect();
    let book = Book {
        pages: out_pages,
        sections,
        assets,
        by_rel,
        by_id,
        asset_by_rel,
        draft_lessons: (left_out.iter())
            .filter(|(rel, _)| !is_index(rel))
            .map(|(rel, marked)| (lesson_id(rel), marked.clone()))
            .collect(),
        draft_exercises: HashMap::new(),
        drafts: left_out,
    };
    diags.extend(check_collisions(&book));
    (book, diags)
}

fn empty_book() -> Book {
    Book {
        pages: Vec::new(),
        sections: Vec::new(),
        assets: Vec::new(),
        by_rel: HashMap::new(),
        by_id: HashMap::new(),
        asset_by_rel: HashMap::new(),
        drafts: BTreeMap::new(),
        draft_lessons: HashMap::new(),
        draft_exercises: HashMap::new(),
    }
}

/// Two sources may not produce the same output path, not even one that
/// differs only in case (it would clash on case-insensitive disks), and
/// content may not take the generator's own paths.
fn check_collisions(book: &Book) -> Vec<Diagnostic> {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut diags = Vec::new();
    let outs = book
        .pages
        .iter()
        .map(|p| (p.out.as_str(), format!("content/{}", p.rel()), Some(p)))
        .chain(
            book.assets
                .iter()
                .map(|a| (a.out.as_str(), format!("content/{}", a.asset.rel), None)),
        );
    for (out, src, page) in outs {
        let top = out.split('/').next().unwrap_or("");
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(top)) {
            diags.push(
                Diagnostic::file(
                    Severity::Error,
                    src.clone(),
                    format!("`{out}` is a path the generator uses for its own pages"),
                )
                .with_hint(format!(
                    "rename the file or folder so its output does not start with `{top}`"
                )),
            );
        }
        let key = out.to_lowercase();
        if let Some(first) = seen.get(&key) {
            // Names are known in composed form (see `fsx::composed`): two
            // that read the same differ only in how an accent is encoded.
            let (message, hint) = if *first == src {
                (
                    format!("`{src}` is there twice, its accents encoded two ways, and both produce `{out}`"),
                    "keep one of the two files: a Mac saves an accent as a letter plus a mark, other systems as one character, so a copy can land beside the original",
                )
            } else {
                (
                    format!("`{src}` and `{first}` both produce `{out}`"),
                    "output paths drop number prefixes and ignore case; rename one of the files",
                )
            };
            let d = match page {
                Some(p) => Diagnostic::error_at(p.source(), 0..0, message),
                None => Diagnostic::file(Severity::Error, src.clone(), message),
            };
            diags.push(d.with_hint(hint));
        } else {
            seen.insert(key, src);
        }
    }
    diags
}

/// The relative URL from the page at `from` to the output path `to`, both
/// relative to the site root: `a/b.html` → `c/d.html` is `../c/d.html`.
pub fn relative_url<'t>(from: &str, to: &'t str) -> Cow<'t, str> {
    // Most links stay in the page's own folder or go below it: then the
    // URL is the end of the target's path, and nothing is allocated (pages
    // link to some fifty others each).
    let dir = from.rfind('/').map_or("", |i| &from[..=i]);
    if let Some(rest) = to.strip_prefix(dir) {
        return match looks_like_scheme(rest) {
            false => Cow::Borrowed(rest),
            true => Cow::Owned(format!("./{rest}")),
        };
    }
    let from_dirs = from.matches('/').count();
    let last = to.matches('/').count();
    let mut common = 0;
    let mut at = 0;
    for (a, b) in from.split('/').take(from_dirs).zip(to.split('/')) {
        if common == last || a != b {
            break;
        }
        common += 1;
        at += b.len() + 1;
    }
    let up = from_dirs - common;
    let mut url = String::with_capacity(3 * up + to.len() - at);
    for _ in 0..up {
        url.push_str("../");
    }
    url.push_str(&to[at..]);
    Cow::Owned(url)
}

/// Whether a relative URL would be read as one with a scheme: a `:` in
/// its first part (`javascript:x.png`, a file name a file system allows).
/// Such a URL is written `./javascript:x.png`.
pub fn looks_like_scheme(url: &str) -> bool {
    url.split(['/', '?', '#'])
        .next()
        .is_some_and(|s| s.contains(':'))
}

/// `../` repeated to reach the site root from a page.
pub fn root_prefix(from: &str) -> String {
    "../".repeat(from.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_path_by_spelling_or_by_a_renamed_name_in_the_same_folder() {
        let files = [
            "01-feedback/02-sbi.md",
            "01-feedback/images/sbi.png",
            "02-other/03-sbi-model-advanced.md",
        ];
        let closest = |w| closest_path(w, files);
        assert_eq!(closest("01-feedback/image/sbi.png"), Some(files[1]));
        assert_eq!(closest_path("w/month.yaml", ["w/day.yaml"]), None);
        // Renamed by shortening: same folder, number prefixes aside.
        assert_eq!(closest("01-feedback/02-sbi-model.md"), Some(files[0]));
        assert_eq!(closest("01-feedback/05-sbi-model.md"), Some(files[0]));
        assert_eq!(
            closest_path("feedback/sbi-model", ["feedback/sbi", "other/sbi-model-x"]),
            Some("feedback/sbi")
        );
        // Or lengthening; never across folders, at a word's end, or from
        // fewer than 3 letters.
        assert_eq!(
            closest_path("ch/team", ["ch/team-rituals"]),
            Some("ch/team-rituals")
        );
        assert_eq!(closest_path("ch/team", ["other/team-rituals"]), None);
        assert_eq!(closest_path("ch/tea", ["ch/teamwork-rituals"]), None);
        assert_eq!(closest_path("ch/ab", ["ch/ab-cdefghijkl"]), None);
    }

    #[test]
    fn a_url_never_reads_as_a_scheme() {
        assert_eq!(
            relative_url("a.html", "javascript:x.png"),
            "./javascript:x.png"
        );
        assert_eq!(relative_url("d/a.html", "d/top:x.png"), "./top:x.png");
        assert_eq!(relative_url("d/a.html", "top:x.png"), "../top:x.png");
        assert_eq!(relative_url("d/a.html", "d/e/f:g.png"), "e/f:g.png");
        assert!(looks_like_scheme("mailto:a@b.c"));
        assert!(!looks_like_scheme("a/b:c.png"));
        assert!(!looks_like_scheme("a.html#x:y"));
    }

    #[test]
    fn numbers_and_slugs() {
        assert_eq!(
            strip_number("02-learning-people"),
            (Some(2), "learning-people")
        );
        assert_eq!(strip_number("2024"), (None, "2024"));
        assert_eq!(strip_number("10_x"), (Some(10), "x"));
        assert_eq!(component_slug("03 Team Cohesion!"), "team-cohesion");
        // A name with no letter or digit still gets one of its own.
        assert_eq!(component_slug("😀"), "u1f600");
        assert_eq!(component_slug("02-😀 🎉"), "u1f600-u1f389");
        assert_eq!(component_slug("01-!!!"), "01");
        assert_eq!(component_slug("!!!"), "page");
        assert_eq!(component_slug("★★"), "u2605-u2605");
        assert_eq!(md_stem("02-upper.MD"), "02-upper");
        assert_eq!(md_stem("a.md"), "a");
        assert_eq!(md_stem("é"), "é");
        assert_eq!(slugify("What's <new>?"), "what-s-new");
    }

    #[test]
    fn relative_urls() {
        assert_eq!(relative_url("a/b.html", "a/c.html"), "c.html");
        assert_eq!(relative_url("a/b.html", "d/c.html"), "../d/c.html");
        assert_eq!(relative_url("index.html", "a/index.html"), "a/index.html");
        assert_eq!(relative_url("a/b/c.html", "index.html"), "../../index.html");
        assert_eq!(relative_url("a/index.html", "a/index.html"), "index.html");
        assert_eq!(root_prefix("a/b/c.html"), "../../");
    }

    /// The plain definition: climb out of `from`'s folders past the common
    /// ones, then down to `to`.
    fn reference_relative_url(from: &str, to: &str) -> String {
        let from_dirs: Vec<&str> = from.split('/').collect();
        let from_dirs = &from_dirs[..from_dirs.len() - 1];
        let to_parts: Vec<&str> = to.split('/').collect();
        let common = from_dirs
            .iter()
            .zip(&to_parts)
            .take_while(|(a, b)| a == b)
            .count();
        let common = common.min(to_parts.len() - 1);
        let mut url = "../".repeat(from_dirs.len() - common);
        url.push_str(&to_parts[common..].join("/"));
        url
    }

    #[test]
    fn relative_urls_match_the_plain_definition_on_every_pair() {
        let paths = [
            "index.html",
            "print.html",
            "a.html",
            "a/index.html",
            "a/b.html",
            "a/c.html",
            "a/b/index.html",
            "a/b/c.html",
            "a/bc/d.html",
            "ab/c.html",
            "d/c.html",
            "a/b/c/d.html",
            "x/b/c.html",
            "a/a/a.html",
            "/a.html",
            "a//b.html",
            "",
        ];
        for from in paths {
            for to in paths {
                let want = reference_relative_url(from, to);
                assert_eq!(relative_url(from, to), want, "{from} -> {to}");
            }
        }
    }
}
