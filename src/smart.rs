//! Smart punctuation for the plain text of YAML fields (titles, objectives,
//! quiz choices, …), the same as the Markdown around it gets.
//!
//! With `[markdown] smart-punctuation = true` a lesson's `team's` becomes
//! `team’s`; a quiz choice or a title written in YAML would otherwise keep
//! its straight quote beside it. The text goes through pulldown-cmark's own
//! smart punctuation, with every other piece of Markdown syntax escaped, so
//! that quotes pair by the same rules in both. Only quotes, dashes and dots
//! can change: anything else is kept as written.

use std::borrow::Cow;

use pulldown_cmark::{Event, Options, Parser};

use crate::exercise::ExerciseFile;
use crate::frontmatter::FrontMatter;
use crate::workshop::{SlotWhat, Workshop};

/// `text` with straight quotes curled, `--` and `---` made dashes and `...`
/// an ellipsis, line by line; borrowed when nothing changes.
pub fn text(text: &str) -> Cow<'_, str> {
    if !might_change(text) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(smart_line).collect();
    if lines.iter().all(|l| matches!(l, Cow::Borrowed(_))) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(lines.join("\n"))
    }
}

fn might_change(s: &str) -> bool {
    s.contains(['\'', '"']) || s.contains("--") || s.contains("...")
}

fn smart_line(line: &str) -> Cow<'_, str> {
    let body = line.trim_matches([' ', '\t']);
    let lead = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    let trail = &line[lead.len() + body.len()..];
    // A line of dashes alone would be a rule, not text.
    if !might_change(body) || body.chars().all(|c| c == '-' || c == ' ') {
        return Cow::Borrowed(line);
    }
    let mut parsed = String::with_capacity(body.len());
    for event in Parser::new_ext(&escape(body), Options::ENABLE_SMART_PUNCTUATION) {
        match event {
            Event::Text(t) => parsed.push_str(&t),
            Event::Start(_) | Event::End(_) => {}
            // Escaping leaves nothing else; should it, the line stays as written.
            _ => return Cow::Borrowed(line),
        }
    }
    // Typographic characters the text already had count as what they stand for.
    if straightened(&parsed) != straightened(body) {
        return Cow::Borrowed(line);
    }
    Cow::Owned(format!("{lead}{parsed}{trail}"))
}

/// `s` as Markdown that reads as itself: every ASCII punctuation character
/// but quotes, dots and dashes escaped, and the start of a list (`- `,
/// `1. `) broken.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    for (i, c) in s.char_indices() {
        let list_mark = (i == 0 && c == '-' && s[1..].starts_with([' ', '\t']))
            || (i == digits && digits > 0 && c == '.' && s[i + 1..].starts_with([' ', '\t']));
        if list_mark || (c.is_ascii_punctuation() && !matches!(c, '\'' | '"' | '.' | '-')) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Smart punctuation undone: what the text was written as.
fn straightened(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '‘' | '’' => out.push('\''),
            '“' | '”' => out.push('"'),
            '–' => out.push_str("--"),
            '—' => out.push_str("---"),
            '…' => out.push_str("..."),
            c => out.push(c),
        }
    }
    out
}

fn apply(s: &mut String) {
    if let Cow::Owned(t) = text(s) {
        *s = t;
    }
}

fn apply_all<'a>(items: impl IntoIterator<Item = &'a mut String>) {
    items.into_iter().for_each(apply);
}

/// A lesson's title, summary and objectives.
pub fn front_matter(f: &mut FrontMatter) {
    apply(&mut f.title);
    apply_all(&mut f.summary);
    apply_all(&mut f.objectives);
}

/// An exercise's plain text: title, audience, objectives, materials, debrief
/// questions and its quiz. (Its Markdown fields get smart punctuation from
/// the Markdown stage; ids, kinds, competencies and tags are names.)
pub fn exercise(e: &mut ExerciseFile) {
    apply(&mut e.title);
    apply_all(&mut e.audience);
    apply_all(&mut e.objectives);
    apply_all(&mut e.materials);
    apply_all(&mut e.debrief);
    for q in &mut e.questions {
        apply(&mut q.question);
        apply_all(&mut q.choices);
        apply_all(&mut q.explanation);
    }
}

/// A workshop plan's title and the names of its breaks and activities.
pub fn workshop(w: &mut Workshop) {
    apply(&mut w.data.title);
    for s in &mut w.slots {
        if let SlotWhat::Break(t) | SlotWhat::Activity(t) = &mut s.what {
            apply(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_dashes_and_dots_change_as_in_markdown() {
        let cases = [
            ("the team's work", "the team’s work"),
            ("\"Why?\" she asked", "“Why?” she asked"),
            ("'single' quotes", "‘single’ quotes"),
            ("9--5, or --- never", "9–5, or — never"),
            ("wait...", "wait…"),
            ("  don't  ", "  don’t  "),
            ("one's\ntwo's", "one’s\ntwo’s"),
            ("what’s next, don't wait…", "what’s next, don’t wait…"),
        ];
        for (input, want) in cases {
            assert_eq!(text(input), want, "{input:?}");
        }
    }

    #[test]
    fn everything_else_is_kept_as_written() {
        for s in [
            "plain words",
            "- it's a list?",
            "1. it's numbered",
            "# it's a heading?",
            "> it's a quote",
            "*it's* `code` <b>it's</b> [it's](x) &amp; \\it's",
            "---",
            "it's    spaced\ttabbed",
            "'",
            "\"",
            "----- it's",
            "it's  \nbroken",
        ] {
            let got = text(s);
            assert_eq!(straightened(&got), s, "{s:?} became {got:?}");
        }
        assert!(matches!(text("plain words"), Cow::Borrowed(_)));
        assert_eq!(text("- it's a list?"), "- it’s a list?");
        assert_eq!(text("-\tit's a list?"), "-\tit’s a list?");
        assert_eq!(text("2.\tit's numbered"), "2.\tit’s numbered");
        assert_eq!(text("1. it's numbered"), "1. it’s numbered");
        assert_eq!(text("<b>it's</b> &amp;"), "<b>it’s</b> &amp;");
    }
}
