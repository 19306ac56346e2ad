//! Located diagnostics: every content problem becomes one [`Diagnostic`] that
//! names `path:line:col`, shows the offending line and carries a hint.
//!
//! Stages collect diagnostics instead of stopping at the first one, so a
//! trainer sees every problem of a build in one run.

use std::fmt;
use std::io::IsTerminal;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// The text a diagnostic points into, shared between all diagnostics of a file.
#[derive(Clone)]
pub struct Source {
    /// The path as shown to the user (relative to the handbook root when possible).
    pub name: String,
    pub text: Arc<str>,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source").field("name", &self.name).finish()
    }
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Source {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// One problem in the input.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// The file the problem is in (display form).
    pub file: String,
    /// 1-based line and column; 0 when the problem concerns the whole file.
    pub line: usize,
    pub col: usize,
    pub hint: Option<String>,
    /// The file text and the byte range to underline, when known.
    source: Option<(Source, Range<usize>)>,
}

impl Diagnostic {
    /// A problem at a byte range of a source text.
    pub fn at(
        severity: Severity,
        src: &Source,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = range.start.min(src.text.len());
        let end = range.end.clamp(start, src.text.len());
        let (line, col) = line_col(&src.text, start);
        Diagnostic {
            severity,
            message: message.into(),
            file: src.name.clone(),
            line,
            col,
            hint: None,
            source: Some((src.clone(), start..end)),
        }
    }

    /// A problem with a whole file (I/O, encoding) or at a known position without text.
    pub fn file(severity: Severity, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            message: message.into(),
            file: file.into(),
            line: 0,
            col: 0,
            hint: None,
            source: None,
        }
    }

    pub fn error_at(src: &Source, range: Range<usize>, message: impl Into<String>) -> Self {
        Self::at(Severity::Error, src, range, message)
    }

    pub fn warning_at(src: &Source, range: Range<usize>, message: impl Into<String>) -> Self {
        Self::at(Severity::Warning, src, range, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col` (or just `path` when the whole file is meant).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.clone()
        } else {
            format!("{}:{}:{}", self.file, self.line, self.col)
        }
    }

    /// The offending source line, if the diagnostic has one.
    pub fn source_line(&self) -> Option<&str> {
        let (src, range) = self.source.as_ref()?;
        let text = &src.text[..];
        let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
        let end = text[range.start..]
            .find('\n')
            .map_or(text.len(), |i| range.start + i);
        Some(&text[start..end])
    }
}

/// Text from the content as it may reach a terminal: control characters
/// (an escape sequence could recolour or rewrite the screen) become `?`,
/// or `¿` for the two-byte C1 ones, so that byte offsets stay valid.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !s.contains(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            c if !bad(c) => c,
            c if c.len_utf8() == 1 => '?',
            _ => '¿',
        })
        .collect()
}

impl fmt::Display for Diagnostic {
    /// One line: `path:line:col: error: message (hint: …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {}: {}", self.location(), sev, self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Byte offset of a 1-based line and column.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..text[start..].find('\n').map_or(text.len(), |i| start + i)];
    start
        + line_text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

/// Suggests the closest of `candidates` to a misspelled `word`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// The hint for an unknown key: the closest known one, or all of them.
pub fn unknown_key_hint(name: &str, known: &[String]) -> String {
    match did_you_mean(name, known.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None if known.is_empty() => "remove it: no keys are allowed here".into(),
        None => format!("valid keys here are: {}", known.join(", ")),
    }
}

/// The hint for a value that is not one of a fixed set: the closest one,
/// and every one.
pub fn one_of_hint(value: &str, allowed: &[String]) -> String {
    let list = (allowed.iter().map(|a| format!("`{a}`")))
        .collect::<Vec<_>>()
        .join(", ");
    match did_you_mean(value, allowed.iter().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`? The values allowed here are {list}"),
        None => format!("use one of {list}"),
    }
}

/// The text between `start` and the next `end` in `s` (a name quoted in a
/// library's message).
pub fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// The names in backticks after "expected" in a serde message (the keys or
/// values allowed).
pub fn expected_list(msg: &str) -> Vec<String> {
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

/// A serde message without the names of Rust types (`expected struct
/// FrontMatter`): a struct is what the format calls a mapping (`mapping`),
/// an enum one of a set of words.
pub fn without_type_names(msg: &str, mapping: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    loop {
        let next = ["struct ", "enum "]
            .iter()
            .filter_map(|w| rest.find(w).map(|i| (i, *w)))
            .min();
        let Some((i, word)) = next else {
            out.push_str(rest);
            return out;
        };
        let after = &rest[i + word.len()..];
        let name_len = after
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .unwrap_or(after.len());
        let is_type = after.starts_with(|c: char| c.is_ascii_uppercase());
        out.push_str(&rest[..i]);
        match (is_type, word) {
            (false, _) => out.push_str(&rest[i..i + word.len() + name_len]),
            (true, "struct ") => out.push_str(mapping),
            (true, _) => out.push_str("a single word"),
        }
        rest = &after[name_len..];
    }
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub color: bool,
}

impl Printer {
    /// Colour only on a terminal, and never when `NO_COLOR` is set.
    pub fn for_stderr() -> Printer {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Printer {
            color: !no_color && std::io::stderr().is_terminal(),
        }
    }

    /// Renders diagnostics the way rustc does: header, `path:line:col`, the
    /// offending line with the span underlined, and the hint.
    pub fn render(&self, diags: &[Diagnostic]) -> String {
        let mut buf = if self.color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        let config = term::Config::default();
        for d in diags {
            let sev = match d.severity {
                Severity::Error => CsSeverity::Error,
                Severity::Warning => CsSeverity::Warning,
            };
            let mut cs = CsDiagnostic::new(sev).with_message(printable(&d.message));
            if let Some(h) = &d.hint {
                cs = cs.with_notes(vec![format!("hint: {}", printable(h))]);
            }
            match &d.source {
                Some((src, range)) => {
                    let text = printable(&src.text);
                    let file = SimpleFile::new(src.name.as_str(), &text[..]);
                    cs = cs.with_labels(vec![Label::primary((), range.clone())]);
                    let _ = term::emit_to_write_style(&mut buf, &config, &file, &cs);
                }
                None => {
                    // No text to show: the header, the location and the hint.
                    use std::io::Write;
                    use termcolor::{Color, ColorSpec, WriteColor};
                    let (name, color) = match d.severity {
                        Severity::Error => ("error", Color::Red),
                        Severity::Warning => ("warning", Color::Yellow),
                    };
                    let _ = buf.set_color(ColorSpec::new().set_fg(Some(color)).set_bold(true));
                    let _ = write!(buf, "{name}");
                    let _ = buf.set_color(ColorSpec::new().set_bold(true));
                    let _ = writeln!(buf, ": {}", printable(&d.message));
                    let _ =
                        buf.set_color(ColorSpec::new().set_fg(Some(Color::Blue)).set_bold(true));
                    let _ = write!(buf, "  --> ");
                    let _ = buf.reset();
                    let _ = writeln!(buf, "{}", d.location());
                    if let Some(h) = &d.hint {
                        let _ = writeln!(buf, "   = hint: {}", printable(h));
                    }
                    let _ = writeln!(buf);
                }
            }
        }
        String::from_utf8_lossy(buf.as_slice()).into_owned()
    }

    pub fn eprint(&self, diags: &[Diagnostic]) {
        if !diags.is_empty() {
            eprint!("{}", self.render(diags));
        }
    }
}

/// The display form of a path: relative to `root` when it is inside it,
/// always with `/` separators.
pub fn display_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

/// A list of diagnostics that contains at least one error: the build failed.
#[derive(Debug)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Failure {
    fn from(d: Diagnostic) -> Self {
        Failure {
            diagnostics: vec![d],
        }
    }
}

impl std::error::Error for Failure {}

/// A count with its noun: "1 error", "2 errors", "0 warnings". Every noun
/// counted in messages takes a plain `s`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Sorts for stable output: by file, then position, errors before warnings.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.col, a.severity).cmp(&(&b.file, b.line, b.col, b.severity))
    });
}

/// Drops every diagnostic that repeats an earlier one (same severity,
/// place and message), keeping the order of the rest.
pub fn dedup(diags: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diags.retain(|d| seen.insert((d.severity, d.location(), d.message.clone())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals() {
        assert_eq!(plural(0, "warning"), "0 warnings");
        assert_eq!(plural(1, "page"), "1 page");
        assert_eq!(plural(2, "exercise"), "2 exercises");
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let t = "a\u{1b}[31mred\u{7}\u{85}\tok\n";
        let p = printable(t);
        assert_eq!(p, "a?[31mred?¿\tok\n");
        assert_eq!(p.len(), t.len(), "offsets stay valid");
        assert!(matches!(printable("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn messages_never_name_rust_types() {
        assert_eq!(
            without_type_names(
                "invalid type: string, expected struct FrontMatter",
                "a mapping"
            ),
            "invalid type: string, expected a mapping"
        );
        assert_eq!(
            without_type_names("expected enum Kind or struct Q_2 here", "a table"),
            "expected a single word or a table here"
        );
        assert_eq!(
            without_type_names("a struct of sorts", "x"),
            "a struct of sorts"
        );
    }

    #[test]
    fn hints_for_unknown_keys_and_values() {
        let known = ["duration".to_string(), "summary".to_string()];
        assert_eq!(
            unknown_key_hint("duraton", &known),
            "did you mean `duration`?"
        );
        assert_eq!(
            unknown_key_hint("colour", &known),
            "valid keys here are: duration, summary"
        );
        let kinds = ["reflection".to_string(), "quiz".to_string()];
        assert_eq!(
            one_of_hint("reflexion", &kinds),
            "did you mean `reflection`? The values allowed here are `reflection`, `quiz`"
        );
        assert_eq!(
            one_of_hint("trio", &kinds),
            "use one of `reflection`, `quiz`"
        );
    }
}
