//! The one module that knows which YAML library parses handbook files.
//!
//! `serde_yaml` deserialises front matter, exercises and workshop plans into
//! typed structs. It is frozen upstream, so nothing else in the crate names
//! it: swapping it out means changing this file only.
//!
//! A text that fails to parse is read again into an [`Outline`] of its
//! entries with yaml-rust2's event parser, and parsed again without each
//! bad entry in turn ([`crate::recover`]), so that every problem in it is
//! reported at its own place. The outline also gives the position of any
//! key for the checks that follow a successful parse ([`Locator`]). Both
//! only run when a diagnostic needs them, so valid files are parsed once.

use std::collections::HashMap;
use std::ops::Range;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, Parser};

use crate::diag::{self, between, did_you_mean, expected_list, offset_of, Diagnostic, Source};
use crate::recover::{self, Place, Step, Tree};

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

/// A text that failed to parse: every problem in it, and what the rest of
/// it says.
#[derive(Debug)]
pub struct Failed<T> {
    pub diags: Vec<Diagnostic>,
    /// The value without the entries that have problems, unless a syntax
    /// error (or too many problems) stopped the reading.
    pub partial: Option<Partial<T>>,
}

/// A value parsed without some of its text's entries, and which: checks
/// made after parsing look only at what is [`Gaps::intact`], so nothing is
/// reported that only the leaving out caused.
#[derive(Debug)]
pub struct Partial<T> {
    pub value: T,
    pub gaps: Gaps,
}

/// The entries of a text left out of its value, by the dotted paths of
/// [`Locator`] (`questions.2.answer`): those with a problem, the keys a
/// misspelt one stood for, and required keys that were not there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gaps {
    paths: Vec<String>,
}

impl Gaps {
    /// None: a text that parsed.
    pub fn none() -> Gaps {
        Gaps::default()
    }

    /// Whether nothing at, inside or around `path` was left out.
    pub fn intact(&self, path: &str) -> bool {
        !self.paths.iter().any(|g| {
            let within = |a: &str, b: &str| {
                a.strip_prefix(b)
                    .is_some_and(|r| r.is_empty() || r.starts_with('.'))
            };
            within(g, path) || within(path, g)
        })
    }

    /// The place in the text of the `i`-th item the value holds of the
    /// list at `list`: items left out are not in the value.
    pub fn item(&self, list: &str, i: usize) -> usize {
        (0..)
            .filter(|j| !self.paths.iter().any(|g| *g == format!("{list}.{j}")))
            .nth(i)
            .unwrap_or(i)
    }
}

/// Parses a YAML text into `T`. On failure, every problem in the text, each
/// located and with a hint (a syntax error is reported alone, as nothing
/// after it can be read), and what the rest of the text says. Valid texts
/// are parsed once.
pub fn parse_partial<T: DeserializeOwned + JsonSchema>(
    yaml: &str,
    origin: Origin<'_>,
) -> Result<T, Failed<T>> {
    serde_yaml::from_str::<T>(yaml).map_err(|first| problems::<T>(yaml, origin, first))
}

/// Every problem of a text that failed to parse with `first`.
fn problems<T: DeserializeOwned + JsonSchema>(
    yaml: &str,
    origin: Origin<'_>,
    first: serde_yaml::Error,
) -> Failed<T> {
    let outline = Outline::new(yaml);
    if !outline.complete {
        // A syntax error: nothing after it can be read.
        return Failed {
            diags: vec![describe(yaml, origin, &outline, &first, &Place::Nowhere)],
            partial: None,
        };
    }
    let mut first = Some(first);
    let r = recover::recover(
        &outline.tree,
        |dropped| match first.take() {
            Some(e) => Err(e),
            None => serde_yaml::from_str::<T>(&outline.without(yaml, dropped)),
        },
        |e, dropped| outline.place(e, dropped),
    );
    let found = &r.found;
    let also = also_missing::<T>(yaml, origin, &outline, found);
    let diags = (found.iter())
        .map(|f| describe(yaml, origin, &outline, &f.error, &f.place))
        .chain(also)
        .chain(recover::note_if_cut(found, &origin.source.name))
        .collect();
    let partial = r.read.then(|| outline.partial(yaml, r)).flatten();
    Failed { diags, partial }
}

/// The value of a text read without its bad entries, with every required
/// key of the document it lacks filled in by a stand-in value (the first
/// of `0`, `""`, `[]`, `{}`, `false` or a named value that `T` takes there),
/// and those keys counted among the gaps.
fn with_stand_ins<T: DeserializeOwned>(text: &str) -> Option<(T, Vec<String>)> {
    use serde_yaml::{Mapping, Value};
    let mut doc: Value = serde_yaml::from_str(text).ok()?;
    if doc.is_null() {
        doc = Value::Mapping(Mapping::new());
    }
    let candidates = || {
        [
            Value::from(0),
            Value::from(""),
            Value::Sequence(Vec::new()),
            Value::Mapping(Mapping::new()),
            Value::from(false),
        ]
    };
    let mut filled: Vec<String> = Vec::new();
    // The key being filled in, and the next candidate to try for it.
    let mut trying: Option<(String, usize)> = None;
    for _ in 0..64 {
        let e = match serde_yaml::from_value::<T>(doc.clone()) {
            Ok(v) => return Some((v, filled)),
            Err(e) => e.to_string(),
        };
        let map = doc.as_mapping_mut()?;
        let key = match between(&e, "missing field `", "`") {
            Some(k) if !filled.iter().any(|f| f == k) => {
                filled.push(k.to_string());
                trying = Some((k.to_string(), 0));
                k.to_string()
            }
            // Not taken: the next candidate, or a value it names.
            _ => trying.as_ref()?.0.clone(),
        };
        let (_, next) = trying.as_mut()?;
        let named = expected_list(&e).into_iter().next().filter(|_| *next > 0);
        let value = match named {
            Some(v) if e.contains("unknown variant") => Value::from(v),
            _ => candidates().into_iter().nth(*next)?,
        };
        *next += 1;
        map.insert(Value::from(key), value);
    }
    None
}

/// The required keys the document's top-level mapping lacks that `found`
/// does not report: serde stops at the first one it misses, so a file
/// without `title` and `duration` would otherwise name `duration` only
/// once `title` is added. The keys come from `T`'s schema, derived from
/// the same declarations as its parsing. A key that is there with a bad
/// value, or that a misspelt key stands for, is not missing.
fn also_missing<T: JsonSchema>(
    yaml: &str,
    origin: Origin<'_>,
    outline: &Outline,
    found: &[recover::Found<serde_yaml::Error>],
) -> Vec<Diagnostic> {
    let tree = &outline.tree;
    let stopped = found.len() >= recover::MAX_PROBLEMS
        || (found.iter()).any(|f| matches!(f.place, Place::Nowhere | Place::Entry { node: 0, .. }));
    if stopped {
        return Vec::new();
    }
    let schema = schemars::schema_for!(T);
    let root = schema.as_value();
    // The mappings to look at: the document, and any nested one (a quiz
    // question) in which a missing key was found.
    let mut nodes = vec![0];
    for f in found {
        if let Place::Missing { node, .. } = f.place {
            if node != 0 && !nodes.contains(&node) {
                nodes.push(node);
            }
        }
    }
    let mut diags = Vec::new();
    for node in nodes {
        let keys: Vec<&str> = tree
            .children(node)
            .iter()
            .filter_map(|&c| tree.key(c))
            .collect();
        if keys.len() != tree.children(node).len() {
            continue; // not a mapping
        }
        let Some(at) = schema_of(root, tree, node) else {
            continue;
        };
        let names = |key: &str| -> Vec<&str> {
            match at.get(key) {
                Some(serde_json::Value::Array(a)) => a.iter().filter_map(|v| v.as_str()).collect(),
                Some(serde_json::Value::Object(o)) => o.keys().map(String::as_str).collect(),
                _ => Vec::new(),
            }
        };
        let (required, known) = (names("required"), names("properties"));
        let reported = |key: &str| {
            (found.iter()).any(
                |f| matches!(&f.place, Place::Missing { node: n, key: k } if *n == node && k == key),
            )
        };
        let stands_for = |key: &str| {
            (keys.iter())
                .any(|t| !known.contains(t) && did_you_mean(t, known.iter().copied()) == Some(key))
        };
        diags.extend(
            (required.into_iter())
                .filter(|k| !keys.contains(k) && !reported(k) && !stands_for(k))
                .map(|k| missing_key(yaml, origin, outline.spots[node].value_at, k)),
        );
    }
    diags
}

/// The part of a JSON Schema that describes the entry `node` of a YAML
/// text: through each key's `properties` and each list's `items`,
/// following `$ref`s. None where the schema does not say plainly (a
/// value of several shapes).
fn schema_of<'s>(
    root: &'s serde_json::Value,
    tree: &Tree,
    node: usize,
) -> Option<&'s serde_json::Value> {
    let resolve = |mut v: &'s serde_json::Value| -> Option<&'s serde_json::Value> {
        for _ in 0..8 {
            match v.get("$ref").and_then(serde_json::Value::as_str) {
                Some(r) => v = root.pointer(r.strip_prefix('#')?)?,
                None => return Some(v),
            }
        }
        None
    };
    let mut v = resolve(root)?;
    for step in tree.steps(node) {
        v = match step {
            Step::Key(k) => v.get("properties")?.get(k)?,
            Step::Item(_) => v.get("items")?,
        };
        v = resolve(v)?;
    }
    Some(v)
}

/// "missing required key", at the start of the mapping that lacks it.
fn missing_key(yaml: &str, origin: Origin<'_>, at: usize, name: &str) -> Diagnostic {
    origin
        .error_at(yaml, at, format!("missing required key `{name}`"))
        .with_hint(format!("add a line `{name}: …`"))
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

/// The text of a top-level key's value when it is a plain value, for
/// naming what a file that fails to parse is about.
pub fn top_level_text(yaml: &str, key: &str) -> Option<String> {
    let o = Outline::new(yaml);
    let entry = (o.tree.children(0).iter()).find(|&&c| o.tree.key(c) == Some(key))?;
    o.spots[*entry].scalar.clone()
}

/// Where a `- ` line is read as more text of the list item above it, not
/// as an item of its own: YAML folds a line indented deeper than a plain
/// item into that item (`- Describe SBI` then `    - Give one example`
/// is one item, "Describe SBI - Give one example"). Byte offsets of each
/// such `-`. Block scalars (`|`, `>`) and quoted items are text by
/// intent and are skipped.
pub fn folded_list_items(yaml: &str) -> Vec<usize> {
    let mut found = Vec::new();
    // The last list item: its indentation, and whether its text is plain.
    let mut item: Option<(usize, bool)> = None;
    // The indentation of the line that opened a block scalar.
    let mut block: Option<usize> = None;
    let mut at = 0;
    for line in yaml.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        let rest = rest.trim_end();
        if rest.is_empty() {
            continue;
        }
        if let Some(b) = block {
            if indent > b {
                continue;
            }
            block = None;
        }
        if rest.starts_with('#') {
            continue;
        }
        let dash = rest == "-" || rest.starts_with("- ");
        if dash && matches!(item, Some((i, true)) if indent > i) {
            found.push(start + indent);
            continue;
        }
        if item.is_some_and(|(i, _)| indent <= i) || !dash {
            item = None;
        }
        let value = if dash {
            rest[1..].trim_start()
        } else {
            rest.split_once(": ").map_or("", |(_, v)| v.trim_start())
        };
        if value.starts_with(['|', '>']) {
            block = Some(indent);
        }
        if dash {
            let plain = !value.is_empty()
                && !value.starts_with(['|', '>', '{', '[', '"', '\'', '&', '*', '!', '#', '-'])
                && !value.contains(": ")
                && !value.ends_with(':');
            item = Some((indent, plain));
        }
    }
    found
}

/// [`folded_list_items`] as warnings, for a YAML text at `offset` in `src`.
pub fn folded_list_warnings(src: &Source, offset: usize, yaml: &str) -> Vec<Diagnostic> {
    (folded_list_items(yaml).into_iter())
        .map(|at| {
            Diagnostic::warning_at(src, offset + at..offset + at + 1, "this `-` is read as more text of the item above, not as an item of its own")
                .with_hint("YAML joins a line indented under an item's text to that text: indent it like the item above to make it a new item")
        })
        .collect()
}

/// A serde_yaml error as a located diagnostic with a hint. Positions are
/// byte offsets, which stay true in a text with entries blanked out.
fn describe(
    yaml: &str,
    origin: Origin<'_>,
    outline: &Outline,
    err: &serde_yaml::Error,
    place: &Place,
) -> Diagnostic {
    let raw = err.to_string();
    let msg = without_location(&raw);
    let pos = err.location().map_or(0, |l| l.index()).min(yaml.len());
    let (path, rest) = split_path(msg);
    // serde counts the list items of the text it read, without those left
    // out: name the value by its place in the file.
    let named = match place {
        Place::Entry { node, .. } if *node != 0 => Some(outline.path(*node)),
        _ => path.map(str::to_string),
    };
    let path = named.as_deref();

    if let Some(name) = between(rest, "unknown field `", "`") {
        return origin
            .error_at(yaml, pos, format!("unknown key `{name}`"))
            .with_hint(diag::unknown_key_hint(name, &expected_list(rest)));
    }
    if let Some(name) = between(rest, "duplicate field `", "`") {
        // serde cannot say where the repeat is; the outline can.
        let at = match place {
            Place::Entry { node, .. } => outline.spots[*node].key_at,
            _ => pos,
        };
        return origin
            .error_at(yaml, at, format!("duplicate key `{name}`"))
            .with_hint("each key may appear only once; remove or rename one of them");
    }
    if let Some(name) = between(rest, "missing field `", "`") {
        // At the start of the mapping that lacks it.
        let at = match place {
            Place::Missing { node, .. } => outline.spots[*node].value_at,
            _ => pos,
        };
        return missing_key(yaml, origin, at, name);
    }
    if let Some(value) = between(rest, "unknown variant `", "`") {
        let field = path.map_or(String::new(), |p| format!("`{p}`: "));
        return origin
            .error_at(yaml, pos, format!("{field}unknown value `{value}`"))
            .with_hint(diag::one_of_hint(value, &expected_list(rest)));
    }
    if let Some(at) = unclosed_quote(yaml, &raw) {
        let quote = &yaml[at..at + 1];
        return origin
            .error_at(yaml, at, "unclosed quote")
            .with_hint(format!(
                "this quoted text is never closed: end it with `{quote}`, or remove the opening `{quote}`"
            ));
    }
    if msg.contains("tab character")
        || (msg.contains("found character that cannot start any token") && tab_near(yaml, pos))
    {
        return origin
            .error_at(yaml, pos, "tab character in YAML indentation")
            .with_hint("YAML indentation must use spaces; replace the tab with spaces");
    }
    let rest = friendly_types(rest);
    let message = match path {
        Some(p) => format!("`{p}`: {rest}"),
        None => rest,
    };
    // Durations say what they expect (`workshop::minutes`).
    let hint = if message.contains(crate::workshop::EXPECTS_MINUTES) {
        "give the time in whole minutes, without a unit: `duration: 20`"
    } else if message.contains("invalid type") || message.contains("invalid value") {
        "check the value's type against the format documented in the README"
    } else {
        "check the YAML syntax: indentation, colons after keys, and quotes around values containing `: ` or `#`"
    };
    origin.error_at(yaml, pos, message).with_hint(hint)
}

/// serde_yaml appends " at line L column C" (and sometimes more context).
fn without_location(raw: &str) -> &str {
    raw.find(" at line ").map_or(raw, |i| &raw[..i])
}

/// Where the quote opened, for libyaml's error about a quoted value that
/// runs to the end of the text (it reports the end, which says little).
fn unclosed_quote(yaml: &str, raw: &str) -> Option<usize> {
    if !raw.contains("found unexpected end of stream") {
        return None;
    }
    let context = raw
        .split("while scanning a quoted scalar at line ")
        .nth(1)?;
    let (line, rest) = context.split_once(" column ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let at = offset_of(yaml, line.parse().ok()?, col.parse().ok()?);
    yaml[at..].starts_with(['"', '\'']).then_some(at)
}

fn tab_near(yaml: &str, pos: usize) -> bool {
    let start = yaml[..pos.min(yaml.len())].rfind('\n').map_or(0, |i| i + 1);
    yaml[start..]
        .split('\n')
        .next()
        .is_some_and(|l| l.starts_with(['\t', ' ']) && l.contains('\t'))
}

/// serde_yaml prefixes errors inside nested values with their path: `steps[2].minutes: …`.
fn split_path(msg: &str) -> (Option<&str>, &str) {
    match msg.split_once(": ") {
        Some((p, rest)) if !p.contains(' ') && !p.is_empty() => (Some(p), rest),
        _ => (None, msg),
    }
}

/// serde's words for types, and the names of Rust types, in the words of
/// the README.
fn friendly_types(msg: &str) -> String {
    let msg = msg
        .replace("expected u32", "expected a whole number, 0 or more")
        .replace("expected u16", "expected a whole number, 0 or more")
        .replace("expected u8", "expected a small whole number, 0 or more")
        .replace("expected usize", "expected a whole number, 0 or more")
        .replace("expected i64", "expected a whole number")
        .replace("expected a sequence", "expected a list")
        .replace("expected a map", "expected a mapping of keys to values");
    diag::without_type_names(&msg, "a mapping of keys to values")
}

/// The entries of a YAML text (see [`Tree`]) and where each one is.
#[derive(Debug)]
pub struct Outline {
    tree: Tree,
    spots: Vec<Spot>,
    /// Whether the parser read the whole text: it stops at a syntax error.
    complete: bool,
}

#[derive(Debug, Default, Clone)]
struct Spot {
    /// Where the key is; for a list item or the document, where it starts.
    key_at: usize,
    /// Where the value starts.
    value_at: usize,
    /// What leaving the entry out blanks: from its key (or a list item's
    /// `-`) to where the next entry, or its list or mapping's end, starts.
    span: Range<usize>,
    /// Where a list or mapping ends: at its closing bracket, or where what
    /// follows it starts.
    close: usize,
    /// A block list (`- item` lines), whose items start at their `-`.
    block_list: bool,
    /// The value, when it is a plain one.
    scalar: Option<String>,
}

enum Frame {
    /// A mapping, and the entry whose value comes next (none: a key comes next).
    Map {
        node: usize,
        entry: Option<usize>,
    },
    List(usize),
    /// Inside a key that is itself a list or mapping, to this depth.
    Skip(usize),
}

enum Opens {
    Map,
    List { block: bool },
}

impl Outline {
    pub fn new(yaml: &str) -> Outline {
        let mut o = Outline {
            tree: Tree::new(),
            spots: vec![Spot::default()],
            complete: false,
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
        let mut stack: Vec<Frame> = Vec::new();
        let mut seen_document = false;
        let mut parser = Parser::new_from_str(yaml);
        while let Ok((event, mark)) = parser.next_token() {
            let at = offset(mark.line(), mark.col());
            let (scalar, opens) = match event {
                Event::StreamEnd => {
                    o.complete = true;
                    break;
                }
                Event::Scalar(v, ..) => (Some(v), None),
                Event::Alias(_) => (None, None),
                Event::MappingStart(..) => (None, Some(Opens::Map)),
                Event::SequenceStart(..) => (
                    None,
                    Some(Opens::List {
                        block: !yaml[at..].starts_with('['),
                    }),
                ),
                Event::MappingEnd | Event::SequenceEnd => {
                    match stack.pop() {
                        Some(Frame::Skip(depth)) if depth > 1 => stack.push(Frame::Skip(depth - 1)),
                        Some(Frame::Map { node, .. } | Frame::List(node)) => {
                            o.spots[node].close = at
                        }
                        _ => {}
                    }
                    continue;
                }
                _ => continue,
            };
            // A node starts here: a key, a mapping's value, a list item or
            // the document.
            let node = match stack.last_mut() {
                Some(Frame::Skip(depth)) => {
                    if opens.is_some() {
                        *depth += 1;
                    }
                    continue;
                }
                Some(Frame::Map { node, entry }) => match entry.take() {
                    Some(e) => {
                        o.spots[e].value_at = at;
                        e
                    }
                    None => {
                        let map = *node;
                        let key = scalar.unwrap_or_else(|| "?".into());
                        *entry = Some(o.add(map, Some(key), at));
                        if opens.is_some() {
                            // A key that is a list or mapping: not one of ours.
                            stack.push(Frame::Skip(1));
                        }
                        continue;
                    }
                },
                Some(Frame::List(list)) => {
                    let list = *list;
                    o.add(list, None, at)
                }
                None if !seen_document => {
                    seen_document = true;
                    o.spots[0].key_at = at;
                    o.spots[0].value_at = at;
                    0
                }
                // A second document: serde_yaml refuses it anyway.
                None => continue,
            };
            o.spots[node].scalar = scalar;
            match opens {
                Some(Opens::Map) => stack.push(Frame::Map { node, entry: None }),
                Some(Opens::List { block }) => {
                    o.spots[node].block_list = block;
                    stack.push(Frame::List(node));
                }
                None => {}
            }
        }
        if o.complete {
            o.measure(yaml);
        }
        o
    }

    fn add(&mut self, parent: usize, key: Option<String>, at: usize) -> usize {
        let first = self.tree.children(parent).is_empty();
        let is_key = key.is_some();
        let node = self.tree.add(parent, key);
        self.spots.push(Spot {
            key_at: at,
            value_at: at,
            ..Spot::default()
        });
        // A block mapping's start is marked after its first key: the
        // mapping starts at that key.
        if is_key && first && at < self.spots[parent].value_at {
            let p = &mut self.spots[parent];
            p.value_at = at;
            if self.tree.key(parent).is_none() {
                p.key_at = at;
            }
        }
        node
    }

    /// Works out each entry's span once the whole text is read.
    fn measure(&mut self, yaml: &str) {
        for n in 0..self.tree.len() {
            let kids = self.tree.children(n);
            let starts: Vec<usize> = (kids.iter())
                .map(|&c| {
                    let at = self.spots[c].key_at;
                    if self.spots[n].block_list {
                        // An item starts at its `-`.
                        let before = yaml[..at].trim_end_matches([' ', '\t', '\r', '\n']);
                        before.strip_suffix('-').map_or(at, str::len)
                    } else {
                        at
                    }
                })
                .collect();
            for (i, &c) in kids.iter().enumerate() {
                let end = starts.get(i + 1).copied().unwrap_or(self.spots[n].close);
                self.spots[c].span = starts[i]..end.clamp(starts[i], yaml.len());
            }
        }
    }

    /// The text with the `dropped` entries blanked out: spaces for every
    /// byte but line breaks, so every other byte keeps its offset.
    fn without(&self, yaml: &str, dropped: &[bool]) -> String {
        let mut bytes = yaml.as_bytes().to_vec();
        for (n, _) in dropped.iter().enumerate().filter(|(_, d)| **d) {
            for b in &mut bytes[self.spots[n].span.clone()] {
                if *b != b'\n' && *b != b'\r' {
                    *b = b' ';
                }
            }
        }
        String::from_utf8(bytes).unwrap_or_else(|_| yaml.to_string())
    }

    /// Where a serde_yaml error is, from the path it names (`steps[2].text`)
    /// counted among the entries not dropped, and its offset.
    fn place(&self, err: &serde_yaml::Error, dropped: &[bool]) -> Place {
        let raw = err.to_string();
        let (path, rest) = split_path(without_location(&raw));
        let at = err.location().map_or(0, |l| l.index());
        let node = match path {
            None => 0,
            Some(p) => match self.find(p, at, dropped) {
                Some(n) => n,
                None => return Place::Nowhere,
            },
        };
        if let Some(key) = between(rest, "missing field `", "`") {
            return Place::Missing {
                node,
                key: key.to_string(),
            };
        }
        if let Some(key) = between(rest, "unknown field `", "`") {
            let expected = expected_list(rest);
            return match self.child(node, key, at, dropped) {
                Some(n) => Place::Entry {
                    node: n,
                    meant: did_you_mean(key, expected.iter().map(String::as_str))
                        .map(str::to_string),
                },
                None => Place::Nowhere,
            };
        }
        if let Some(key) = between(rest, "duplicate field `", "`") {
            // The second of the two is the duplicate.
            let mut same = (self.tree.children(node).iter())
                .filter(|&&c| !dropped[c] && self.tree.key(c) == Some(key));
            return match same.nth(1) {
                Some(&n) => Place::Entry {
                    node: n,
                    meant: None,
                },
                None => Place::Nowhere,
            };
        }
        let about_a_value = [
            "invalid type",
            "invalid value",
            "invalid length",
            "unknown variant",
        ];
        if about_a_value.iter().any(|s| rest.starts_with(s)) {
            Place::Entry { node, meant: None }
        } else {
            Place::Nowhere
        }
    }

    /// The value of a text read by [`recover::recover`] without its bad
    /// entries, and its gaps.
    fn partial<T: DeserializeOwned, E>(
        &self,
        yaml: &str,
        r: recover::Recovered<T, E>,
    ) -> Option<Partial<T>> {
        let mut gaps = Vec::new();
        for n in (1..self.tree.len()).filter(|&n| r.dropped[n]) {
            let at = self.dotted(n);
            let meant = r.meant[n]
                .as_deref()
                .filter(|m| Some(*m) != self.tree.key(n));
            if let Some(m) = meant {
                let p = self.tree.parent(n);
                gaps.push(if p == 0 {
                    m.to_string()
                } else {
                    format!("{}.{m}", self.dotted(p))
                });
            }
            gaps.push(at);
        }
        let value = match r.value {
            Some(v) => v,
            None => {
                let (v, filled) = with_stand_ins(&self.without(yaml, &r.dropped))?;
                gaps.extend(filled);
                v
            }
        };
        Some(Partial {
            value,
            gaps: Gaps { paths: gaps },
        })
    }

    /// The dotted path of a node, as [`Locator`] names it: `steps.2.text`.
    fn dotted(&self, node: usize) -> String {
        let parts: Vec<String> = (self.tree.steps(node).into_iter())
            .map(|s| match s {
                Step::Key(k) => k.to_string(),
                Step::Item(i) => i.to_string(),
            })
            .collect();
        parts.join(".")
    }

    /// The serde_yaml path of a node in the whole text: `steps[2].text`.
    fn path(&self, node: usize) -> String {
        let mut path = String::new();
        for s in self.tree.steps(node) {
            match s {
                Step::Key(k) if path.is_empty() => path.push_str(k),
                Step::Key(k) => path.push_str(&format!(".{k}")),
                Step::Item(i) => path.push_str(&format!("[{i}]")),
            }
        }
        path
    }

    /// The node at a serde_yaml path, counting list items among those not
    /// dropped.
    fn find(&self, path: &str, at: usize, dropped: &[bool]) -> Option<usize> {
        let mut node = 0;
        for part in path.split('.') {
            let (key, mut rest) = part.split_at(part.find('[').unwrap_or(part.len()));
            if !key.is_empty() {
                node = self.child(node, key, at, dropped)?;
            }
            while let Some(r) = rest.strip_prefix('[') {
                let (i, after) = r.split_once(']')?;
                let i: usize = i.parse().ok()?;
                node = *(self.tree.children(node).iter())
                    .filter(|&&c| !dropped[c])
                    .nth(i)?;
                rest = after;
            }
        }
        Some(node)
    }

    /// The entry `key` of a mapping; of two with that key, the one `at` is in.
    fn child(&self, map: usize, key: &str, at: usize, dropped: &[bool]) -> Option<usize> {
        let same: Vec<usize> = (self.tree.children(map).iter().copied())
            .filter(|&c| !dropped[c] && self.tree.key(c) == Some(key))
            .collect();
        let inside = same.iter().find(|&&c| self.spots[c].span.contains(&at));
        inside.or(same.first()).copied()
    }
}

/// Positions of every key and value in a YAML text, by dotted path:
/// `questions.2.answer` is the `answer` key of the third question.
#[derive(Debug)]
pub struct Locator {
    outline: Outline,
    /// Dotted path to node; of two keys with one path, the first.
    paths: HashMap<String, usize>,
}

impl Locator {
    pub fn new(yaml: &str) -> Locator {
        let outline = Outline::new(yaml);
        let tree = &outline.tree;
        let mut names: Vec<String> = vec![String::new(); tree.len()];
        let mut paths = HashMap::new();
        // Parents come before their entries.
        for n in 1..tree.len() {
            let p = tree.parent(n);
            let last = match tree.key(n) {
                Some(k) => k.to_string(),
                None => (tree.children(p).iter().position(|&c| c == n))
                    .unwrap_or(0)
                    .to_string(),
            };
            names[n] = if p == 0 {
                last
            } else {
                format!("{}.{last}", names[p])
            };
            paths.entry(names[n].clone()).or_insert(n);
        }
        Locator { outline, paths }
    }

    /// Offset of the key at `path` (for list items: the item itself).
    pub fn key(&self, path: &str) -> Option<usize> {
        self.paths.get(path).map(|&n| self.outline.spots[n].key_at)
    }

    /// Offset of the value at `path`.
    pub fn value(&self, path: &str) -> Option<usize> {
        self.paths
            .get(path)
            .map(|&n| self.outline.spots[n].value_at)
    }

    /// Where a problem with the entry at `path` is shown: at a plain
    /// value (`duration: 0`, `id: Bad Id`) the value itself; at a list or
    /// mapping its key; and for an entry that is not there, the nearest
    /// enclosing key that is.
    pub fn problem_at(&self, path: &str) -> usize {
        match self.paths.get(path) {
            Some(&n) if self.outline.spots[n].scalar.is_some() => self.outline.spots[n].value_at,
            _ => self.key_or_parent(path),
        }
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
    fn list_items_folded_into_the_one_above_are_found() {
        let dashes = |y: &str| -> Vec<(usize, usize)> {
            (folded_list_items(y).into_iter())
                .map(|at| {
                    let line = y[..at].matches('\n').count() + 1;
                    (line, at - y[..at].rfind('\n').map_or(0, |n| n + 1) + 1)
                })
                .collect()
        };
        // Indented under a plain item: folded, as many lines as follow.
        assert_eq!(
            dashes("objectives:\n  - Describe SBI\n    - Give one\n    - Give two\n  - Listen\n"),
            [(3, 5), (4, 5)]
        );
        // Items in line, nested under a key or an empty item, a mapping
        // item, a quoted item, a block scalar's Markdown list: all fine.
        for ok in [
            "a:\n  - x\n  - y\nb:\n- z\n",
            "a:\n  -\n    - x\n",
            "steps:\n  - minutes: 5\n    text: t\n  - text: u\n",
            "a:\n  - \"long\n    - still quoted\"\n",
            "q: |\n  Read:\n  - first\n    - nested\n",
            "steps:\n  - |\n    Text\n      - nested in the block\n  - next\n",
            "a:\n  - x # comment\n  # - commented\n  - y\n",
        ] {
            assert_eq!(dashes(ok), [], "{ok}");
        }
    }

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
    fn entries_span_from_their_key_or_dash_to_the_next() {
        let y = "a: 1\nb:\n  - x\n  - k: 1\n    l: 2\nc: { d: 1, e: [2, 3] }\n";
        let o = Outline::new(y);
        assert!(o.complete);
        let spans: Vec<&str> = (1..o.tree.len())
            .map(|n| &y[o.spots[n].span.clone()])
            .collect();
        assert_eq!(
            spans,
            [
                "a: 1\n",
                "b:\n  - x\n  - k: 1\n    l: 2\n",
                "- x\n  ",
                "- k: 1\n    l: 2\n",
                "k: 1\n    ",
                "l: 2\n",
                "c: { d: 1, e: [2, 3] }\n",
                "d: 1, ",
                "e: [2, 3] ",
                "2, ",
                "3",
            ]
        );
        assert_eq!(
            top_level_text("id: x\ntitle: [a]\n", "id").as_deref(),
            Some("x")
        );
        assert_eq!(top_level_text("id: x\ntitle: [a]\n", "title"), None);
    }

    #[derive(serde::Deserialize, JsonSchema, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        #[serde(default, deserialize_with = "crate::workshop::optional_minutes")]
        #[schemars(with = "Option<u32>")]
        duration: Option<u32>,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(serde::Deserialize, JsonSchema, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        #[serde(default)]
        size: u32,
    }

    fn errs(y: &str) -> Vec<Diagnostic> {
        let src = Source::new("f.md", format!("---\n{y}---\n"));
        parse_partial::<T>(&src.text[4..4 + y.len()], Origin::new(&src, 4))
            .unwrap_err()
            .diags
    }

    fn err(y: &str) -> Diagnostic {
        errs(y).remove(0)
    }

    /// Each problem as `line:col message`.
    fn each(y: &str) -> Vec<String> {
        (errs(y).iter())
            .map(|d| format!("{}:{} {}", d.line, d.col, d.message))
            .collect()
    }

    #[test]
    fn every_problem_in_a_text_is_reported_at_its_place() {
        assert_eq!(
            each("titel: a\nduration: x\nsumary: b\n"),
            [
                "2:1 unknown key `titel`",
                "3:11 `duration`: invalid type: string \"x\", expected a whole number of minutes, from 1 to 1440",
                "4:1 unknown key `sumary`",
            ]
        );
        // Inside lists and mappings, block or flow; a dropped item does not
        // shift the places of the ones after it.
        assert_eq!(
            each("title: a\nitems:\n  - name: x\n    size: big\n  - nam: y\n  - { name: z, size: -1 }\n"),
            [
                "5:11 `items[0].size`: invalid type: string \"big\", expected a whole number, 0 or more",
                "6:5 unknown key `nam`",
                "7:22 `items[2].size`: invalid type: integer `-1`, expected a whole number, 0 or more",
            ]
        );
        // A required key with a bad value is not also missing, but a
        // missing one is reported with the rest.
        assert_eq!(
            each("title: [a]\nduration: x\n"),
            [
                "2:8 `title`: invalid type: sequence, expected a string",
                "3:11 `duration`: invalid type: string \"x\", expected a whole number of minutes, from 1 to 1440",
            ]
        );
        assert_eq!(
            each("duration: x\nitems:\n  - size: 1\n"),
            [
                "2:11 `duration`: invalid type: string \"x\", expected a whole number of minutes, from 1 to 1440",
                "4:5 missing required key `name`",
                "2:1 missing required key `title`",
            ]
        );
    }

    #[test]
    fn a_failed_text_still_gives_what_the_rest_says() {
        let y = "duration: x\nitems:\n  - nam: a\n  - name: b\n    size: big\n  - name: c\n";
        let src = Source::new("f.yaml", y.to_string());
        let p = parse_partial::<T>(y, Origin::new(&src, 0))
            .unwrap_err()
            .partial
            .unwrap();
        // `title` was missing: a stand-in value, counted as a gap.
        assert_eq!(p.value.title, "");
        assert!(!p.gaps.intact("title") && !p.gaps.intact("duration"));
        assert_eq!(p.value.items.len(), 2);
        // The item whose key was misspelt is left out: the value's first
        // item is the file's second.
        assert_eq!(p.gaps.item("items", 0), 1);
        assert!(!p.gaps.intact("items.1.size") && p.gaps.intact("items.1.name"));
        assert!(p.gaps.intact("items.2") && !p.gaps.intact("items"));
        // After a syntax error nothing is read.
        assert!(parse_partial::<T>("title: \"a\n", Origin::new(&src, 0))
            .unwrap_err()
            .partial
            .is_none());
    }

    #[test]
    fn a_syntax_error_is_reported_alone_where_it_starts() {
        assert_eq!(each("title: \"a\nduration: x\n"), ["2:8 unclosed quote"]);
        assert_eq!(
            err("title: 'a\n").hint.as_deref(),
            Some("this quoted text is never closed: end it with `'`, or remove the opening `'`")
        );
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
        assert_eq!(
            each("title: a\nduration: 1\ntitle: b\nduration: 2\n"),
            ["4:1 duplicate key `title`", "5:1 duplicate key `duration`"]
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
