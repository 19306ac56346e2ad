//! Stage 3: split each Markdown file into YAML front matter and body, and
//! parse the front matter into typed fields.

use rayon::prelude::*;
use serde::Deserialize;

use crate::diag::{Diagnostic, Source};
use crate::discover::TextFile;
use crate::yaml::{self, Origin};

/// The front matter of a lesson, chapter index or the home page.
#[derive(Debug, Clone, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    /// Position among its siblings; defaults to the file name's number prefix.
    #[serde(default)]
    pub order: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Minutes.
    #[serde(default, deserialize_with = "crate::workshop::optional_minutes")]
    #[schemars(with = "Option<u32>")]
    pub duration: Option<u32>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub objectives: Vec<String>,
}

/// A Markdown file with its front matter parsed.
#[derive(Debug, Clone)]
pub struct ParsedPage {
    pub file: TextFile,
    pub front: FrontMatter,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
    /// The front matter failed to parse: this stands in for it (see [`stand_in`]).
    pub broken: bool,
}

impl ParsedPage {
    pub fn body(&self) -> &str {
        &self.file.source.text[self.body_offset..]
    }
}

const EXAMPLE: &str = "start the file with:\n---\ntitle: Your lesson title\n---";

/// The front matter block: the YAML text's byte range and where the body
/// starts; `None` unless the text opens with a `---` line and a later
/// `---` (or `...`) line closes the block. [`split`] says which is wrong;
/// the speed benchmark's floor needs no diagnostic.
pub fn bounds(text: &str) -> Option<(std::ops::Range<usize>, usize)> {
    let first_line = text.split('\n').next().unwrap_or("");
    if first_line.trim_end() != "---" {
        return None;
    }
    let yaml_start = (first_line.len() + 1).min(text.len());
    let mut pos = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Some((yaml_start..pos, pos + line.len()));
        }
        pos += line.len();
    }
    None
}

/// [`bounds`], or the diagnostic for a page without a closed block.
pub fn split(src: &Source) -> Result<(std::ops::Range<usize>, usize), Diagnostic> {
    let text = &src.text[..];
    if let Some(b) = bounds(text) {
        return Ok(b);
    }
    let first_line = text.split('\n').next().unwrap_or("");
    if first_line.trim_end() != "---" {
        return Err(
            Diagnostic::error_at(src, 0..first_line.len().min(3), "missing front matter")
                .with_hint(format!(
                    "every page needs a YAML front matter block with a title; {EXAMPLE}"
                )),
        );
    }
    Err(
        Diagnostic::error_at(src, 0..3, "front matter is never closed")
            .with_hint("add a line containing only `---` after the last front-matter key"),
    )
}

/// A file that failed to parse: every problem in it, and what stands in
/// for it in the book, so that what names it does not report errors of
/// its own.
#[derive(Debug, Clone)]
pub struct Broken<T> {
    pub diags: Vec<Diagnostic>,
    pub stand_in: Option<T>,
}

/// Splits and parses one page's front matter; on failure, every problem
/// in it and a stand-in (see [`stand_in`]).
pub fn parse_page(file: TextFile) -> Result<ParsedPage, Broken<ParsedPage>> {
    let kept = file.clone();
    parse_front(file).map_err(|diags| Broken {
        diags,
        stand_in: Some(stand_in(kept)),
    })
}

fn parse_front(file: TextFile) -> Result<ParsedPage, Vec<Diagnostic>> {
    let src = &file.source;
    let (range, body_offset) = split(src).map_err(|d| vec![d])?;
    let yaml_text = &src.text[range.clone()];
    if yaml::is_empty_document(yaml_text) {
        return Err(vec![Diagnostic::error_at(
            src,
            0..3,
            "front matter is empty",
        )
        .with_hint("add at least `title: Your title`")]);
    }
    let origin = Origin::new(src, range.start);
    let front: FrontMatter = match yaml::parse_partial(yaml_text, origin) {
        Ok(front) => front,
        Err(failed) => {
            // What the rest of the front matter says is checked too, so
            // that one run names every problem in it.
            let mut diags = failed.diags;
            if let Some(p) = failed.partial {
                diags.extend(checks(&p.value, &p.gaps, yaml_text, origin));
            }
            return Err(diags);
        }
    };
    let errors = checks(&front, &yaml::Gaps::none(), yaml_text, origin);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ParsedPage {
        file,
        front,
        body_offset,
        broken: false,
    })
}

/// The checks a front matter's values get once read: only of the keys
/// that are `intact` (the others have an error of their own).
fn checks(
    front: &FrontMatter,
    gaps: &yaml::Gaps,
    yaml_text: &str,
    origin: Origin<'_>,
) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    // Each is reported at the value; positions are worked out only when
    // there is something to report.
    let value_at = |key: &str, message: String| {
        let at = yaml::Locator::new(yaml_text).problem_at(key);
        origin.error_at(yaml_text, at, message)
    };
    if gaps.intact("title") && front.title.trim().is_empty() {
        errors.push(
            value_at("title", "the title is empty".into()).with_hint("give the page a title"),
        );
    }
    let duration = front.duration.filter(|_| gaps.intact("duration"));
    if let Some((message, hint)) = duration.and_then(crate::workshop::duration_problem) {
        errors.push(value_at("duration", message).with_hint(hint));
    }
    errors
}

/// Parses every page in parallel; returns the pages that parsed and a
/// diagnostic for each one that did not.
pub fn parse_pages(files: Vec<TextFile>) -> (Vec<ParsedPage>, Vec<Diagnostic>) {
    parse_pages_with(files, &parse_page)
}

/// [`parse_pages`] with the per-file step given (`handbook serve` reuses
/// earlier results through it).
pub fn parse_pages_with(
    files: Vec<TextFile>,
    parse: &(dyn Fn(TextFile) -> Result<ParsedPage, Broken<ParsedPage>> + Sync),
) -> (Vec<ParsedPage>, Vec<Diagnostic>) {
    let (pages, mut diags) = parse_each(files, parse);
    // In a front matter that parsed, a list item YAML read as text is said
    // nowhere else.
    diags.extend(
        (pages.par_iter())
            .filter(|p| !p.broken)
            .flat_map_iter(|p| {
                let src = &p.file.source;
                let range = bounds(&src.text).map_or(0..0, |(r, _)| r);
                yaml::folded_list_warnings(src, range.start, &src.text[range])
            })
            .collect::<Vec<_>>(),
    );
    (pages, diags)
}

/// Parses every file in parallel, in order. A file that fails gives its
/// diagnostics and, where it has one, its stand-in in its place.
pub fn parse_each<T: Send>(
    files: Vec<TextFile>,
    parse: &(dyn Fn(TextFile) -> Result<T, Broken<T>> + Sync),
) -> (Vec<T>, Vec<Diagnostic>) {
    let results: Vec<Result<T, Broken<T>>> = files.into_par_iter().map(parse).collect();
    let mut parsed = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(p) => parsed.push(p),
            Err(b) => {
                diags.extend(b.diags);
                parsed.extend(b.stand_in);
            }
        }
    }
    (parsed, diags)
}

/// A page whose front matter has an error stays in the book under a title
/// made from its file name, so that links and exercises pointing at it do
/// not each report an error of their own (the build fails on the front
/// matter's error anyway), and its body is still checked.
pub fn stand_in(file: TextFile) -> ParsedPage {
    let text = &file.source.text;
    let body_offset = bounds(text).map_or(text.len(), |(_, body)| body);
    let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
    let name = crate::model::md_stem(name);
    let title = crate::model::strip_number(name).1.replace('-', " ");
    ParsedPage {
        file,
        front: FrontMatter {
            title,
            ..FrontMatter::default()
        },
        body_offset,
        broken: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_find_the_block_and_the_body() {
        let text = "---\ntitle: A\n---\nBody\n";
        let (yaml, body) = bounds(text).unwrap();
        assert_eq!((&text[yaml], &text[body..]), ("title: A\n", "Body\n"));
        let dots = "---\r\ntitle: A\r\n...\r\nBody";
        let (yaml, body) = bounds(dots).unwrap();
        assert_eq!((&dots[yaml], &dots[body..]), ("title: A\r\n", "Body"));
        assert_eq!(bounds("title: A\n"), None, "no opening line");
        assert_eq!(bounds("---\ntitle: A\n"), None, "never closed");
    }

    fn page(text: &str) -> Result<ParsedPage, Diagnostic> {
        parse_page(TextFile {
            rel: "a.md".into(),
            source: Source::new("content/a.md", text.to_string()),
        })
        .map_err(|mut b| b.diags.remove(0))
    }

    #[test]
    fn parses_and_finds_body() {
        let p = page("---\ntitle: Hi\nduration: 5\n---\n# Body\n").unwrap();
        assert_eq!(p.front.title, "Hi");
        assert_eq!(p.body(), "# Body\n");
    }

    #[test]
    fn errors() {
        assert_eq!(
            page("---\ntitle: Hi\n# Body\n").unwrap_err().message,
            "front matter is never closed"
        );
        assert_eq!(
            page("---\n---\nbody").unwrap_err().message,
            "front matter is empty"
        );
        assert_eq!(
            page("# no front matter").unwrap_err().message,
            "missing front matter"
        );
        let d = page("---\ntitle: Hi\nsumary: x\n---\n").unwrap_err();
        assert_eq!((d.line, d.col), (3, 1));
        assert_eq!(d.hint.as_deref(), Some("did you mean `summary`?"));
    }
}
