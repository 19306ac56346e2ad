//! The one module that knows which YAML library parses handbook files.
//!
//! `serde_yaml` deserialises front matter, exercises and workshop plans into
//! typed structs. It is frozen upstream, so nothing else in the crate names
//! it: swapping it out means changing this file only.
//!
//! serde errors carry a position, but not always a useful one (a duplicate or
//! missing key is reported at 1:1). When that happens, and for semantic checks
//! that need the position of a key after a successful parse, a [`Locator`]
//! maps every key path to its position using yaml-rust2's event parser. It
//! only runs when a diagnostic needs it, so valid files are parsed once.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, Parser};

use crate::diag::{did_you_mean, offset_of, Diagnostic, Source};

/// Where a YAML text sits: the file it is in and its byte offset there
/// (front matter starts after the opening `---` line).
#[derive(Clone, Copy)]
pub struct Origin<'a> {
    pub source: &'a Source,
    pub offset: usize,
}

impl<'a> Origin<'a> {
    pub fn new(source: &'a Source, offset: usize) -> Self {
        Origin { source, offset }
    }

    /// A diagnostic at a byte offset inside the YAML text, spanning one token.
    pub fn error_at(&self, yaml: &str, at: usize, message: impl Into<String>) -> Diagnostic {
        let end = token_end(yaml, at);
        Diagnostic::error_at(self.source, self.offset + at..self.offset + end, message)
    }

    pub fn warning_at(&self, yaml: &str, at: usize, message: impl Into<String>) -> Diagnostic {
        let end = token_end(yaml, at);
        Diagnostic::warning_at(self.source, self.offset + at..self.offset + end, message)
    }
}

/// End of the token starting at `at`: a key up to its colon, or the rest of a
/// short scalar on the line.
fn token_end(yaml: &str, at: usize) -> usize {
    let rest = &yaml[at.min(yaml.len())..];
    let line = rest.split('\n').next().unwrap_or("");
    let stop = line
        .find(": ")
        .or_else(|| line.strip_suffix(':').map(|l| l.len()))
        .unwrap_or(line.len());
    at + stop.max(1).min(line.len().max(1)).min(rest.len())
}

/// Parses a YAML text into `T`, turning the first serde error into a located
/// diagnostic with a hint. `known_keys` lists the valid keys of the top-level
/// mapping (for "did you mean").
pub fn parse<T: DeserializeOwned>(yaml: &str, origin: Origin<'_>) -> Result<T, Diagnostic> {
    serde_yaml::from_str::<T>(yaml).map_err(|e| serde_error(yaml, origin, &e))
}

/// Reads a whole YAML document and keeps nothing: the least any use of the
/// parser costs. The speed benchmark's YAML floor (`examples/floor.rs
/// --yaml`) measures it.
pub fn skim(yaml: &str) -> Result<(), String> {
    serde_yaml::from_str::<serde::de::IgnoredAny>(yaml)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A YAML document as JSON, for checking files against the JSON Schema.
pub fn to_json(yaml: &str) -> Result<serde_json::Value, String> {
    serde_yaml::from_str(yaml).map_err(|e| e.to_string())
}

/// Parses a YAML text into a loose tree, for documents whose shape must be
/// inspected before typed parsing (e.g. an empty document).
pub fn is_empty_document(yaml: &str) -> bool {
    yaml.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

fn serde_error(yaml: &str, origin: Origin<'_>, err: &serde_yaml::Error) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C" (and sometimes more context).
    let msg = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let pos = err
        .location()
        .map(|l| offset_of(yaml, l.line(), l.column()))
        .unwrap_or(0);

    if let Some(name) = between(&msg, "unknown field `", "`") {
        let expected = expected_list(&msg);
        let mut d = origin.error_at(yaml, pos, format!("unknown key `{name}`"));
        d = match did_you_mean(name, expected.iter().map(String::as_str)) {
            Some(s) => d.with_hint(format!("did you mean `{s}`?")),
            None => d.with_hint(format!("valid keys here are: {}", expected.join(", "))),
        };
        return d;
    }
    if let Some(name) = between(&msg, "duplicate field `", "`") {
        let loc = Locator::new(yaml);
        let at = loc
            .duplicates
            .iter()
            .find(|(p, _)| p.rsplit('.').next() == Some(name))
            .map_or(pos, |d| d.1);
        return origin
            .error_at(yaml, at, format!("duplicate key `{name}`"))
            .with_hint("each key may appear only once; remove or rename one of them");
    }
    if msg.contains("duplicate entry") {
        let loc = Locator::new(yaml);
        let (what, at) = loc
            .duplicates
            .first()
            .map_or(("key".to_string(), pos), |(p, o)| {
                (format!("key `{p}`"), *o)
            });
        return origin
            .error_at(yaml, at, format!("duplicate {what}"))
            .with_hint("each key may appear only once");
    }
    if let Some(name) = between(&msg, "missing field `", "`") {
        // serde_yaml cannot say which mapping lacks the key; use the path prefix.
        let (path, _) = split_path(&msg);
        let loc = Locator::new(yaml);
        let at = path.and_then(|p| loc.value(p)).unwrap_or(0);
        return origin
            .error_at(yaml, at, format!("missing required key `{name}`"))
            .with_hint(format!("add a line `{name}: …`"));
    }
    if msg.contains("tab character")
        || (msg.contains("found character that cannot start any token") && tab_near(yaml, pos))
    {
        return origin
            .error_at(yaml, pos, "tab character in YAML indentation")
            .with_hint("YAML indentation must use spaces; replace the tab with spaces");
    }
    let (path, rest) = split_path(&msg);
    let rest = friendly_types(rest);
    let message = match path {
        Some(p) => format!("`{p}`: {rest}"),
        None => rest,
    };
    let hint = if message.contains("invalid type") || message.contains("invalid value") {
        "check the value's type against the format documented in the README"
    } else {
        "check the YAML syntax: indentation, colons after keys, and quotes around values containing `: ` or `#`"
    };
    origin.error_at(yaml, pos, message).with_hint(hint)
}

fn tab_near(yaml: &str, pos: usize) -> bool {
    let start = yaml[..pos.min(yaml.len())].rfind('\n').map_or(0, |i| i + 1);
    yaml[start..]
        .split('\n')
        .next()
        .is_some_and(|l| l.starts_with(|c: char| c == '\t' || c == ' ') && l.contains('\t'))
}

/// serde_yaml prefixes errors inside nested values with their path: `steps[2].minutes: …`.
fn split_path(msg: &str) -> (Option<&str>, &str) {
    match msg.split_once(": ") {
        Some((p, rest)) if !p.contains(' ') && !p.is_empty() => (Some(p), rest),
        _ => (None, msg),
    }
}

fn friendly_types(msg: &str) -> String {
    msg.replace("expected u32", "expected a whole number, 0 or more")
        .replace("expected u16", "expected a whole number, 0 or more")
        .replace("expected u8", "expected a small whole number, 0 or more")
        .replace("expected usize", "expected a whole number, 0 or more")
        .replace("expected a sequence", "expected a list")
        .replace("expected a map", "expected a mapping of keys to values")
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

fn expected_list(msg: &str) -> Vec<String> {
    let Some(i) = msg.find("expected ") else {
        return Vec::new();
    };
    msg[i..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Positions of every key and value in a YAML text, by dotted path:
/// `questions.2.answer` is the `answer` key of the third question.
#[derive(Debug, Default)]
pub struct Locator {
    keys: HashMap<String, usize>,
    values: HashMap<String, usize>,
    /// Keys that appear twice in one mapping: path and offset of the repeat.
    pub duplicates: Vec<(String, usize)>,
}

enum Frame {
    Map { key: Option<String> },
    Seq { index: usize },
}

impl Locator {
    pub fn new(yaml: &str) -> Locator {
        let mut loc = Locator::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut parser = Parser::new_from_str(yaml);
        let path_of = |stack: &[Frame], last: Option<&str>| -> String {
            let mut parts: Vec<String> = Vec::new();
            for f in stack {
                match f {
                    Frame::Map { key: Some(k) } => parts.push(k.clone()),
                    Frame::Map { key: None } => {}
                    Frame::Seq { index } => parts.push(index.to_string()),
                }
            }
            if let Some(l) = last {
                parts.push(l.to_string());
            }
            parts.join(".")
        };
        // Line starts, so that each event's position costs one short scan.
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(yaml.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let offset = |line: usize, col: usize| -> usize {
            let start = line_starts
                .get(line.saturating_sub(1))
                .copied()
                .unwrap_or(yaml.len());
            let rest = &yaml[start..];
            let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
            start
                + line_text
                    .char_indices()
                    .nth(col)
                    .map_or(line_text.len(), |(i, _)| i)
        };
        while let Ok((event, mark)) = parser.next_token() {
            let at = offset(mark.line(), mark.col());
            let (scalar, opens) = match &event {
                Event::StreamEnd => break,
                Event::Scalar(v, ..) => (Some(v.as_str()), None),
                Event::Alias(_) => (Some(""), None),
                Event::MappingStart(..) => (None, Some(Frame::Map { key: None })),
                Event::SequenceStart(..) => (None, Some(Frame::Seq { index: 0 })),
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    Self::node_done(&mut stack);
                    continue;
                }
                _ => continue,
            };
            // A node starts here: it is a key, a mapping value or a list item.
            match stack.last() {
                Some(Frame::Map { key: None }) => {
                    let k = scalar.unwrap_or("?").to_string();
                    let p = path_of(&stack, Some(&k));
                    // A list item that is a mapping starts at its first key.
                    let parent = path_of(&stack, None);
                    if let Some(item) = loc.keys.get_mut(&parent) {
                        if at < *item {
                            *item = at;
                        }
                    }
                    if loc.keys.contains_key(&p) {
                        loc.duplicates.push((p, at));
                    } else {
                        loc.keys.insert(p, at);
                    }
                    if let Some(Frame::Map { key }) = stack.last_mut() {
                        *key = Some(k);
                    }
                    if opens.is_some() {
                        // A complex key: skip it as a whole by treating it as a value.
                        stack.push(opens.unwrap());
                    }
                    continue;
                }
                Some(_) => {
                    let p = path_of(&stack, None);
                    loc.values.entry(p.clone()).or_insert(at);
                    if let Some(Frame::Seq { .. }) = stack.last() {
                        loc.keys.entry(p).or_insert(at);
                    }
                }
                None => {
                    loc.values.entry(String::new()).or_insert(at);
                }
            }
            match opens {
                Some(frame) => stack.push(frame),
                None => Self::node_done(&mut stack),
            }
        }
        loc
    }

    /// A value node finished: the enclosing mapping expects a key again, the
    /// enclosing list moves to its next item.
    fn node_done(stack: &mut [Frame]) {
        match stack.last_mut() {
            Some(Frame::Map { key }) => *key = None,
            Some(Frame::Seq { index }) => *index += 1,
            None => {}
        }
    }

    /// Offset of the key at `path` (for list items: the item itself).
    pub fn key(&self, path: &str) -> Option<usize> {
        self.keys.get(path).copied()
    }

    /// Offset of the value at `path`.
    pub fn value(&self, path: &str) -> Option<usize> {
        self.values.get(path).copied()
    }

    /// The key at `path`, or the nearest enclosing one that exists.
    pub fn key_or_parent(&self, path: &str) -> usize {
        let mut p = path;
        loop {
            if let Some(at) = self.key(p) {
                return at;
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return 0,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skim_reads_whole_documents_and_reports_bad_ones() {
        assert_eq!(
            skim("title: A\nsteps:\n  - text: hi\n    minutes: 5\n"),
            Ok(())
        );
        assert_eq!(skim(""), Ok(()));
        // An error after the first line is still found: the whole text is read.
        let err = skim("title: A\nsteps: [unclosed\n").unwrap_err();
        assert!(err.contains("line"), "{err}");
    }

    #[test]
    fn locates_nested_keys_and_items() {
        let y = "id: x\nsteps:\n  - minutes: 5\n    text: hi\n  - plain\nquestions:\n  - question: q\n    answer: 7\n";
        let loc = Locator::new(y);
        assert_eq!(loc.key("id"), Some(0));
        assert_eq!(&y[loc.key("steps.0.minutes").unwrap()..][..7], "minutes");
        assert_eq!(&y[loc.key("steps.1").unwrap()..][..5], "plain");
        assert_eq!(&y[loc.key("questions.0.answer").unwrap()..][..6], "answer");
        assert_eq!(&y[loc.value("questions.0.answer").unwrap()..][..1], "7");
    }

    #[test]
    fn finds_duplicates() {
        let y = "title: a\nsummary: b\ntitle: c\n";
        let loc = Locator::new(y);
        assert_eq!(loc.duplicates, vec![("title".to_string(), 20)]);
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        #[serde(default)]
        duration: Option<u32>,
    }

    fn err(y: &str) -> Diagnostic {
        let src = Source::new("f.md", format!("---\n{y}---\n"));
        parse::<T>(&src.text[4..4 + y.len()], Origin::new(&src, 4)).unwrap_err()
    }

    #[test]
    fn errors_point_at_the_key_with_a_hint() {
        let d = err("title: a\ntitel: b\n");
        assert_eq!(
            (d.line, d.col, d.message.as_str()),
            (3, 1, "unknown key `titel`")
        );
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
        let d = err("title: a\ntitle: b\n");
        assert_eq!(
            (d.line, d.col, d.message.as_str()),
            (3, 1, "duplicate key `title`")
        );
        let d = err("title: a\nduration: -3\n");
        assert_eq!((d.line, d.col), (3, 11));
        assert!(
            d.message.starts_with("`duration`: invalid type"),
            "{}",
            d.message
        );
        let d = err("title: a\n\tduration: 3\n");
        assert_eq!(
            (d.line, d.message.as_str()),
            (3, "tab character in YAML indentation")
        );
    }
}
