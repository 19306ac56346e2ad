//! Stage 6: checks that need every page parsed: anchors in links between
//! pages (from lessons and from exercise and workshop Markdown), and
//! exercise placements. Every problem is collected.

use std::sync::Arc;

use crate::diag::{did_you_mean, Diagnostic, Source};
use crate::discover::TextFile;
use crate::exercise::Exercise;
use crate::markdown::{AnchorLink, ExerciseMarkdown, FieldLink, Rendered, WorkshopMarkdown};
use crate::model::Book;
use crate::workshop::Workshop;

/// What the cross-reference checks read.
pub struct Inputs<'a> {
    pub book: &'a Book,
    pub rendered: &'a [Arc<Rendered>],
    pub exercises: &'a [Exercise],
    /// The exercises' Markdown fields, in the same order.
    pub exercise_md: &'a [Arc<ExerciseMarkdown>],
    pub workshops: &'a [Workshop],
    /// The workshops' Markdown, in the same order.
    pub workshop_md: &'a [WorkshopMarkdown],
}

pub fn cross_references(inp: &Inputs<'_>) -> Vec<Diagnostic> {
    let Inputs {
        book,
        rendered,
        exercises,
        ..
    } = *inp;
    let mut diags = Vec::new();
    for (i, r) in rendered.iter().enumerate() {
        let src = book.pages[i].source();
        for link in &r.anchor_links {
            if let Some(d) = broken_anchor(inp, link, src, || link.range.clone()) {
                diags.push(d);
            }
        }
        for placed in &r.exercises {
            if crate::exercise::find(exercises, &placed.id).is_none() {
                let (msg, hint) = crate::exercise::missing(exercises, book, &placed.id);
                diags.push(Diagnostic::error_at(src, placed.range.clone(), msg).with_hint(hint));
            }
        }
    }
    for (e, md) in exercises.iter().zip(inp.exercise_md) {
        field_links(inp, &e.file, &md.links, &|| e.locator(), &mut diags);
    }
    for (w, md) in inp.workshops.iter().zip(inp.workshop_md) {
        let loc = std::sync::OnceLock::new();
        let locator = || crate::exercise::located(&loc, &w.file).clone();
        field_links(inp, &w.file, &md.links, &locator, &mut diags);
    }
    diags
}

/// Checks the anchors of links from the Markdown fields of a YAML file;
/// a missing one is reported at the link's place in the file.
fn field_links(
    inp: &Inputs<'_>,
    file: &TextFile,
    links: &[FieldLink],
    locator: &dyn Fn() -> Arc<crate::yaml::Locator>,
    diags: &mut Vec<Diagnostic>,
) {
    for l in links {
        let range = || l.range(file, &locator());
        if let Some(d) = broken_anchor(inp, &l.link, &file.source, range) {
            diags.push(d);
        }
    }
}

/// The error for a link to a heading its page does not have; `range`
/// gives the link's place in `src`, worked out only then.
fn broken_anchor(
    inp: &Inputs<'_>,
    link: &AnchorLink,
    src: &Source,
    range: impl FnOnce() -> std::ops::Range<usize>,
) -> Option<Diagnostic> {
    let target = &inp.rendered[link.page];
    if target.headings.iter().any(|h| h.id == link.anchor) {
        return None;
    }
    let page = &inp.book.pages[link.page];
    let hint = match did_you_mean(&link.anchor, target.headings.iter().map(|h| h.id.as_str())) {
        Some(s) => format!("did you mean `#{s}`?"),
        None if target.headings.is_empty() => {
            format!("`{}` has no headings", page.title())
        }
        None => format!(
            "headings there: {}",
            target
                .headings
                .iter()
                .take(8)
                .map(|h| format!("#{}", h.id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Some(
        Diagnostic::error_at(
            src,
            range(),
            format!("no heading `#{}` in `content/{}`", link.anchor, page.rel()),
        )
        .with_hint(hint),
    )
}
