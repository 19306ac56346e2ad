//! Stage 6: checks that need every page parsed: anchors in links between
//! lessons, and exercise placements. Every problem is collected.

use std::sync::Arc;

use crate::diag::{did_you_mean, Diagnostic};
use crate::exercise::Exercise;
use crate::markdown::Rendered;
use crate::model::Book;

pub fn cross_references(
    book: &Book,
    rendered: &[Arc<Rendered>],
    exercises: &[Exercise],
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (i, r) in rendered.iter().enumerate() {
        let src = book.pages[i].source();
        for link in &r.anchor_links {
            let target = &rendered[link.page];
            if target.headings.iter().any(|h| h.id == link.anchor) {
                continue;
            }
            let page = &book.pages[link.page];
            let hint =
                match did_you_mean(&link.anchor, target.headings.iter().map(|h| h.id.as_str())) {
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
            diags.push(
                Diagnostic::error_at(
                    src,
                    link.range.clone(),
                    format!("no heading `#{}` in `content/{}`", link.anchor, page.rel()),
                )
                .with_hint(hint),
            );
        }
        for placed in &r.exercises {
            if crate::exercise::find(exercises, &placed.id).is_none() {
                let hint = did_you_mean(&placed.id, exercises.iter().map(|e| e.data.id.as_str()))
                    .map_or("use the `id` of an exercise file".to_string(), |s| {
                        format!("did you mean `{s}`?")
                    });
                diags.push(
                    Diagnostic::error_at(
                        src,
                        placed.range.clone(),
                        format!("no exercise with id `{}`", placed.id),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    diags
}
