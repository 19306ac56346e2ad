//! Theme problems as located diagnostics, at the file the user can open:
//! the handbook's override, or the embedded default theme's own path.
//!
//! Tera gives a syntax error's line and column inside its message, and a
//! render error as a chain under "Failed to render 'lesson.html'" that
//! names neither the file nor the place. Syntax positions are read from
//! the message; for a render error the failing expression (a variable,
//! filter, function, macro or template name) is looked for in the tags
//! of the templates that took part, and the first file holding it names
//! the place; without it, the file alone is named. Macro calls are
//! checked when the theme is compiled, so that a `macros.html` that lacks
//! a macro is one error at that file, not one per page.
//!
//! This reads Tera's parsed templates (`tera::Template`, `tera::ast`),
//! which Tera exports without documenting them: Cargo.toml keeps Tera at
//! 1.20.x.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::error::Error as _;

use tera::ast::{Expr, ExprVal, Node};
use tera::{ErrorKind, Template, Tera, Value};

use super::{Origin, DEFAULT_THEME};
use crate::diag::{between, did_you_mean, offset_of, Diagnostic, Severity, Source};

const SYNTAX_HINT: &str = "check the `{{ … }}` and `{% … %}` tags here; templates are written in Tera (https://keats.github.io/tera/docs/)";

const DATA_HINT: &str =
    "templates receive `site`, `root`, `path` and `page`; see Themes in the README";

/// The templates pages are rendered with; the others are reached from them.
const PAGE_TEMPLATES: &[&str] = &[
    "home.html",
    "chapter.html",
    "lesson.html",
    "exercise.html",
    "exercise-card.html",
    "catalogue.html",
    "workshop.html",
    "print.html",
    "pack.html",
    "search.html",
    "contents.html",
    "404.html",
];

/// Every message of an error's chain, joined.
pub(super) fn chain_text(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// A template Tera cannot parse: at the line and column its parser gives.
pub(super) fn syntax(src: &Source, e: &tera::Error) -> Diagnostic {
    let text = chain_text(e);
    // The parser's message holds ` --> line:col`, the line shown, and
    // `= what it expected`.
    let pos = text.lines().find_map(|l| {
        let (line, col) = l
            .trim_start()
            .strip_prefix("--> ")?
            .trim()
            .split_once(':')?;
        Some((line.parse::<usize>().ok()?, col.parse::<usize>().ok()?))
    });
    let reason = (text.lines().rev())
        .find_map(|l| l.trim_start().strip_prefix("= "))
        .map(str::trim);
    match (pos, reason) {
        (Some((line, col)), Some(reason)) => {
            let at = offset_of(&src.text, line, col);
            let end = src.text[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            Diagnostic::error_at(src, at..end, format!("template syntax: {reason}"))
                .with_hint(SYNTAX_HINT)
        }
        _ => Diagnostic::file(
            Severity::Error,
            src.name.clone(),
            format!("template: {text}"),
        )
        .with_hint(SYNTAX_HINT),
    }
}

/// Parents and macro files that do not exist, and templates that extend
/// themselves: what Tera would refuse with no file or place named.
pub(super) fn structure(
    templates: &HashMap<String, Template>,
    files: &HashMap<String, Source>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut names: Vec<&String> = templates.keys().collect();
    names.sort();
    for name in names {
        let t = &templates[name];
        let src = &files[name];
        if let Some(parent) = &t.parent {
            if !templates.contains_key(parent) {
                diags.push(
                    at_quoted(src, parent, format!("no template `{parent}` to extend"))
                        .with_hint(template_hint(templates, parent)),
                );
            } else if let Some(through) = cycle(templates, name) {
                // A loop is reported once, at its first template by name.
                if through.iter().all(|t| *t > name.as_str()) {
                    let msg = match through.is_empty() {
                        true => format!("`{name}` extends itself"),
                        false => {
                            format!("`{name}` extends itself through `{}`", through.join("`, `"))
                        }
                    };
                    let d = at_quoted(src, parent, msg);
                    let builtin = format!("default/{parent}");
                    diags.push(match templates.contains_key(&builtin) {
                        true => d.with_hint(format!(
                            "to build on the built-in template, write `{{% extends \"{builtin}\" %}}`"
                        )),
                        false => d.with_hint("a template cannot extend itself"),
                    });
                }
            }
        }
        for (file, _) in &t.imported_macro_files {
            if !templates.contains_key(file) {
                diags.push(
                    at_quoted(
                        src,
                        file,
                        format!("no template `{file}` to import macros from"),
                    )
                    .with_hint(template_hint(templates, file)),
                );
            }
        }
    }
    diags
}

/// The templates that `name`'s parents lead back to it through (empty when
/// it extends itself), or `None` when they do not lead back to it.
fn cycle<'a>(templates: &'a HashMap<String, Template>, name: &str) -> Option<Vec<&'a str>> {
    let mut through: Vec<&str> = Vec::new();
    let mut at = templates.get(name)?;
    loop {
        let parent = at.parent.as_deref()?;
        if parent == name {
            return Some(through);
        }
        if through.contains(&parent) {
            return None;
        }
        through.push(parent);
        at = templates.get(parent)?;
    }
}

/// A hint for a template name that does not exist.
fn template_hint(templates: &HashMap<String, Template>, wanted: &str) -> String {
    // The build's own templates (`__…`) are not the theme's to name.
    let known = || (templates.keys().map(String::as_str)).filter(|n| !n.starts_with("__"));
    let mut names: Vec<&str> = known().filter(|n| !n.starts_with("default/")).collect();
    names.sort();
    match did_you_mean(wanted, known()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!(
            "the templates are {}; `default/NAME` is the built-in version of NAME",
            names.join(", ")
        ),
    }
}

/// A diagnostic at the first quoted `name` in a tag of `src`, or at the file.
fn at_quoted(src: &Source, name: &str, message: String) -> Diagnostic {
    let found = [format!("\"{name}\""), format!("'{name}'")]
        .into_iter()
        .find_map(|q| Some((find_in_tags(&src.text, &q, Look::Exact)?, q.len())));
    match found {
        Some((at, len)) => Diagnostic::error_at(src, at..at + len, message),
        None => Diagnostic::file(Severity::Error, src.name.clone(), message),
    }
}

/// Every macro call of the templates that pages use must name a macro
/// that exists and pass the arguments it needs. A handbook's file that
/// lacks macros the built-in one has, or changed what one takes (an
/// incomplete `macros.html`), is one error at that file; any other bad
/// call is an error at the call.
pub(super) fn macro_calls(
    tera: &Tera,
    files: &HashMap<String, Source>,
    origins: &BTreeMap<String, Origin>,
) -> Vec<Diagnostic> {
    let templates = &tera.templates;
    let mut used = reachable(templates, PAGE_TEMPLATES.iter().map(|s| s.to_string()));
    used.sort();
    let mut diags = Vec::new();
    // Per handbook file: the macros it lacks, and those whose arguments
    // differ from the built-in ones (with the arguments they need).
    let mut lacking: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut changed: BTreeMap<(&str, &str), (Vec<&str>, String)> = BTreeMap::new();
    // Handbook parents that lack an import their built-in version has.
    let mut unimported: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut reported: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut builtin: HashMap<&str, Option<Template>> = HashMap::new();
    let parse_builtin = |file: &str| -> Option<Template> {
        let base = built_in_name(file);
        let (_, bytes) =
            (DEFAULT_THEME.iter()).find(|(p, _)| p.strip_prefix("templates/") == Some(base))?;
        Template::new(base, None, &String::from_utf8_lossy(bytes)).ok()
    };
    for name in &used {
        let t = &templates[name];
        let spaces = namespaces(templates, name, &mut Vec::new());
        let mut calls = Vec::new();
        walk(&t.ast, &mut |found| {
            if let Found::Macro(call) = found {
                calls.push(call);
            }
        });
        for call in calls {
            let (ns, m) = (call.namespace.as_str(), call.name.as_str());
            let text = format!("{ns}::{m}");
            let handbook = |file: &str| origins.get(file).is_some_and(|o| o.handbook);
            let Some(&file) = spaces.get(ns) else {
                // A handbook parent that dropped the import its built-in
                // version has is at fault, not each template using it.
                let parent = t.parents.iter().find(|p| {
                    let base = built_in_name(p);
                    let b = builtin.entry(base).or_insert_with(|| parse_builtin(base));
                    handbook(p)
                        && (b.as_ref())
                            .is_some_and(|b| b.imported_macro_files.iter().any(|(_, n)| n == ns))
                });
                if let Some(p) = parent {
                    unimported.entry(p).or_default().insert(ns);
                } else if reported.insert((name, ns)) {
                    let hint =
                        format!("import them first: `{{% import \"macros.html\" as {ns} %}}`");
                    let msg = format!("no macros imported as `{ns}`");
                    diags.push(at_text(&files[name], &text, Look::Exact, msg).with_hint(hint));
                }
                continue;
            };
            let base = built_in_name(file);
            let defined = &templates[file].macros;
            // The built-in macro, when this file replaces one the call fits
            // (parsed only for a call that does not fit this file's).
            let mut replaced = || {
                let built_in = builtin.entry(base).or_insert_with(|| parse_builtin(base));
                (built_in.as_ref())
                    .and_then(|b| b.macros.get(m))
                    .filter(|b| handbook(file) && needs(b, call).is_empty())
                    .map(|b| signature(m, b))
            };
            let Some(def) = defined.get(m) else {
                if replaced().is_some() {
                    lacking.entry(file).or_default().insert(m);
                    continue;
                }
                let hint = match did_you_mean(m, defined.keys().map(String::as_str)) {
                    Some(s) => format!("did you mean `{ns}::{s}`?"),
                    None => {
                        let mut names: Vec<&str> = defined.keys().map(String::as_str).collect();
                        names.sort();
                        format!("`{base}` defines: {}", names.join(", "))
                    }
                };
                let msg = format!("no macro `{m}` in `{base}`");
                diags.push(at_text(&files[name], &text, Look::Exact, msg).with_hint(hint));
                continue;
            };
            let missing = needs(def, call);
            if missing.is_empty() {
                continue;
            }
            if let Some(builtin_signature) = replaced() {
                (changed.entry((file, m))).or_insert((missing, builtin_signature));
                continue;
            }
            let list: Vec<String> = missing.iter().map(|a| format!("`{a}`")).collect();
            diags.push(
                at_text(
                    &files[name],
                    &text,
                    Look::Exact,
                    format!("`{text}` is called without {}", list.join(", ")),
                )
                .with_hint(format!("the macro is {}", signature(m, def))),
            );
        }
    }
    let replaces = |base: &str| {
        format!("a theme's `{base}` replaces the built-in one as a whole: start from a copy of the built-in file and change what you need")
    };
    for (file, names) in lacking {
        let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let base = built_in_name(file);
        let msg = format!(
            "the theme's templates call macros this file lacks: {}",
            list.join(", ")
        );
        diags.push(
            Diagnostic::file(Severity::Error, files[file].name.clone(), msg)
                .with_hint(replaces(base)),
        );
    }
    for (file, spaces) in unimported {
        let base = built_in_name(file);
        let imports: Vec<String> = (spaces.iter())
            .map(|ns| {
                let from = (builtin.get(base).and_then(Option::as_ref))
                    .and_then(|b| b.imported_macro_files.iter().find(|(_, n)| n == ns))
                    .map_or("macros.html", |(f, _)| f.as_str());
                format!("`{{% import \"{from}\" as {ns} %}}`")
            })
            .collect();
        let list: Vec<String> = spaces.iter().map(|ns| format!("`{ns}`")).collect();
        let msg = format!(
            "the templates that extend this one call macros as {}, which it does not import",
            list.join(", ")
        );
        diags.push(
            Diagnostic::file(Severity::Error, files[file].name.clone(), msg).with_hint(format!(
                "add {} at its top, as the built-in `{base}` has",
                imports.join(" and ")
            )),
        );
    }
    for ((file, m), (missing, builtin)) in changed {
        let base = built_in_name(file);
        let list: Vec<String> = missing.iter().map(|a| format!("`{a}`")).collect();
        let msg = format!(
            "macro `{m}` needs {}, which the theme's templates do not pass",
            list.join(", ")
        );
        diags.push(
            at_text(&files[file], m, Look::Defined, msg).with_hint(format!(
                "the built-in macro is {builtin}; {}",
                replaces(base)
            )),
        );
    }
    diags
}

/// A template's name in the built-in theme: `default/x.html` is `x.html`.
fn built_in_name(name: &str) -> &str {
    name.strip_prefix("default/").unwrap_or(name)
}

/// The arguments of macro `def` that `call` leaves out and that have no default.
fn needs<'a>(def: &'a tera::ast::MacroDefinition, call: &tera::ast::MacroCall) -> Vec<&'a str> {
    let mut v: Vec<&str> = (def.args.iter())
        .filter(|(a, default)| default.is_none() && !call.args.contains_key(*a))
        .map(|(a, _)| a.as_str())
        .collect();
    v.sort();
    v
}

/// `name(a, b)`, the arguments sorted.
fn signature(name: &str, def: &tera::ast::MacroDefinition) -> String {
    let mut args: Vec<&str> = def.args.keys().map(String::as_str).collect();
    args.sort();
    format!("`{name}({})`", args.join(", "))
}

/// The macro namespaces a template sees, as Tera resolves them: its own
/// macros as `self`, its imports and what they import, then its parents'.
fn namespaces<'a>(
    templates: &'a HashMap<String, Template>,
    name: &'a str,
    seen: &mut Vec<&'a str>,
) -> HashMap<&'a str, &'a str> {
    let mut map = HashMap::new();
    let Some(t) = templates.get(name).filter(|_| !seen.contains(&name)) else {
        return map;
    };
    seen.push(name);
    if !t.macros.is_empty() {
        map.insert("self", name);
    }
    for (file, ns) in &t.imported_macro_files {
        map.insert(ns.as_str(), file.as_str());
        for (k, v) in namespaces(templates, file, seen) {
            map.entry(k).or_insert(v);
        }
    }
    for p in &t.parents {
        for (k, v) in namespaces(templates, p, seen) {
            map.entry(k).or_insert(v);
        }
    }
    map
}

/// `roots` and every template they extend, import or include, roots first.
fn reachable(
    templates: &HashMap<String, Template>,
    roots: impl IntoIterator<Item = String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut todo: std::collections::VecDeque<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop_front() {
        let Some(t) = templates.get(&name).filter(|_| !out.contains(&name)) else {
            continue;
        };
        out.push(name);
        todo.extend(t.parent.iter().cloned());
        todo.extend(t.imported_macro_files.iter().map(|(f, _)| f.clone()));
        walk(&t.ast, &mut |found| {
            if let Found::Include(names) = found {
                todo.extend(names.iter().cloned());
            }
        });
    }
    out
}

/// What [`walk`] reports.
enum Found<'a> {
    /// A call `namespace::name(…)`.
    Macro(&'a tera::ast::MacroCall),
    /// `{% include %}` of the first of these templates that exists.
    Include(&'a [String]),
}

/// Visits every macro call and include in a template's nodes.
fn walk<'a>(nodes: &'a [Node], f: &mut dyn FnMut(Found<'a>)) {
    for n in nodes {
        match n {
            Node::VariableBlock(_, e) => expr(e, f),
            Node::MacroDefinition(_, d, _) => {
                for e in d.args.values().flatten() {
                    expr(e, f);
                }
                walk(&d.body, f);
            }
            Node::Include(_, names, _) => f(Found::Include(names)),
            Node::Set(_, s) => expr(&s.value, f),
            Node::FilterSection(_, s, _) => {
                s.filter.args.values().for_each(|e| expr(e, f));
                walk(&s.body, f);
            }
            Node::Block(_, b, _) => walk(&b.body, f),
            Node::Forloop(_, l, _) => {
                expr(&l.container, f);
                walk(&l.body, f);
                if let Some(b) = &l.empty_body {
                    walk(b, f);
                }
            }
            Node::If(i, _) => {
                for (_, c, body) in &i.conditions {
                    expr(c, f);
                    walk(body, f);
                }
                if let Some((_, b)) = &i.otherwise {
                    walk(b, f);
                }
            }
            _ => {}
        }
    }
}

fn expr<'a>(e: &'a Expr, f: &mut dyn FnMut(Found<'a>)) {
    value(&e.val, f);
    for filter in &e.filters {
        filter.args.values().for_each(|e| expr(e, f));
    }
}

fn value<'a>(v: &'a ExprVal, f: &mut dyn FnMut(Found<'a>)) {
    match v {
        ExprVal::Math(m) => {
            expr(&m.lhs, f);
            expr(&m.rhs, f);
        }
        ExprVal::Logic(l) => {
            expr(&l.lhs, f);
            expr(&l.rhs, f);
        }
        ExprVal::In(i) => {
            expr(&i.lhs, f);
            expr(&i.rhs, f);
        }
        ExprVal::Test(t) => t.args.iter().for_each(|e| expr(e, f)),
        ExprVal::MacroCall(c) => {
            f(Found::Macro(c));
            c.args.values().for_each(|e| expr(e, f));
        }
        ExprVal::FunctionCall(c) => c.args.values().for_each(|e| expr(e, f)),
        ExprVal::Array(items) => items.iter().for_each(|e| expr(e, f)),
        ExprVal::StringConcat(s) => s.values.iter().for_each(|v| value(v, f)),
        _ => {}
    }
}

/// The diagnostic for template `name` failing to render with `ctx`.
///
/// `in_macro`: the macro that was rendered, when the error is known to come
/// from it; its definition is looked in first, so that a name also used
/// by an earlier macro of the file is found where it failed.
pub(super) fn render(
    tera: &Tera,
    files: &HashMap<String, Source>,
    name: &str,
    e: &tera::Error,
    ctx: Option<&tera::Context>,
    in_macro: Option<&str>,
) -> Diagnostic {
    // "Failed to render 'x' (error happened in 'y')." names the template
    // whose block failed, when it is not the one rendered.
    let outer = e.to_string();
    let happened_in = between(&outer, "(error happened in '", "')");
    let mut chain: Vec<&(dyn std::error::Error + 'static)> = vec![e];
    while let Some(s) = chain[chain.len() - 1].source() {
        chain.push(s);
    }
    let cause = Cause::of(tera, &chain, ctx);
    let mut order: Vec<String> = happened_in.iter().map(|s| s.to_string()).collect();
    order.extend(reachable(&tera.templates, [name.to_string()]));
    let found = cause.needle.as_ref().and_then(|(needle, look)| {
        order.iter().find_map(|t| {
            let src = files.get(t)?;
            let from = in_macro
                .and_then(|m| macro_start(&src.text, m))
                .and_then(|k| Some(k + find_in_tags(&src.text[k..], needle, *look)?));
            let at = from.or_else(|| find_in_tags(&src.text, needle, *look))?;
            Some((src, at, needle.len()))
        })
    });
    let d = match found {
        Some((src, at, len)) => Diagnostic::error_at(src, at..at + len, cause.message),
        None => {
            let t = happened_in.unwrap_or(name);
            let file = files
                .get(t)
                .map_or_else(|| t.to_string(), |s| s.name.clone());
            Diagnostic::file(Severity::Error, file, cause.message)
        }
    };
    d.with_hint(cause.hint)
}

/// Where macro `name` is defined in `text`: the start of its
/// `{% macro name(` tag.
fn macro_start(text: &str, name: &str) -> Option<usize> {
    let mut i = 0;
    while let Some(k) = text[i..].find("{%") {
        let start = i + k;
        let tag = text[start + 2..].trim_start_matches('-').trim_start();
        if let Some(rest) = tag.strip_prefix("macro") {
            if rest
                .trim_start()
                .strip_prefix(name)
                .is_some_and(|r| r.trim_start().starts_with('('))
            {
                return Some(start);
            }
        }
        i = start + 2;
    }
    None
}

/// What made a template fail, in the product's words.
struct Cause {
    message: String,
    /// The failing expression's text, to find in the templates.
    needle: Option<(String, Look)>,
    hint: String,
}

const FILTERS: &str =
    "Tera's built-in filters: https://keats.github.io/tera/docs/#built-in-filters";
const FUNCTIONS: &str =
    "Tera's built-in functions: https://keats.github.io/tera/docs/#built-in-functions";
const TESTS: &str = "Tera's built-in tests: https://keats.github.io/tera/docs/#built-in-tests";
const NO_ENV: &str = "templates see only the handbook's data, `site`, `root`, `path` and `page`, never the build machine's environment";

impl Cause {
    fn at(message: String, needle: &str, look: Look, hint: String) -> Cause {
        Cause {
            message,
            needle: Some((needle.to_string(), look)),
            hint,
        }
    }

    /// A cause whose place cannot be told.
    fn plain(message: String) -> Cause {
        Cause {
            message,
            needle: None,
            hint: DATA_HINT.into(),
        }
    }

    /// The first error of `chain` that says what failed (the ones above it
    /// only say which template was being rendered).
    fn of(
        tera: &Tera,
        chain: &[&(dyn std::error::Error + 'static)],
        ctx: Option<&tera::Context>,
    ) -> Cause {
        let rest = |i: usize| -> String {
            (chain[i..].iter())
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join(": ")
        };
        for (i, e) in chain.iter().enumerate() {
            let Some(te) = e.downcast_ref::<tera::Error>() else {
                continue;
            };
            return match &te.kind {
                ErrorKind::Msg(m) if m.starts_with("Failed to render") => continue,
                ErrorKind::Msg(m) => {
                    Cause::message(m, ctx).unwrap_or_else(|| Cause::plain(rest(i)))
                }
                ErrorKind::FilterNotFound(f) => Cause::at(
                    format!("unknown filter `{f}`"),
                    f,
                    Look::Filter,
                    known(f, &tera.filters, FILTERS),
                ),
                ErrorKind::CallFilter(f) => Cause::at(
                    format!("filter `{f}` failed: {}", rest(i + 1)),
                    f,
                    Look::Filter,
                    "check the value the filter is given and its arguments".into(),
                ),
                ErrorKind::FunctionNotFound(f) => Cause::at(
                    format!("unknown function `{f}`"),
                    f,
                    Look::Call,
                    known(f, &tera.functions, FUNCTIONS),
                ),
                ErrorKind::CallFunction(f) => Cause::at(
                    format!("function `{f}` failed: {}", rest(i + 1)),
                    f,
                    Look::Call,
                    match f.as_str() {
                        "get_env" => NO_ENV.into(),
                        _ => "check the function's arguments".into(),
                    },
                ),
                ErrorKind::TestNotFound(t) => Cause::at(
                    format!("unknown test `{t}`"),
                    t,
                    Look::Name,
                    known(t, &tera.testers, TESTS),
                ),
                ErrorKind::CallTest(t) => Cause::at(
                    format!("test `{t}` failed: {}", rest(i + 1)),
                    t,
                    Look::Name,
                    "check the test's arguments".into(),
                ),
                ErrorKind::TemplateNotFound(t) => Cause::at(
                    format!("no template `{t}`"),
                    &format!("\"{t}\""),
                    Look::Exact,
                    template_hint(&tera.templates, t),
                ),
                _ => Cause::plain(rest(i)),
            };
        }
        Cause::plain(rest(0))
    }

    /// The causes Tera gives as a message only.
    fn message(m: &str, ctx: Option<&tera::Context>) -> Option<Cause> {
        let quoted = |prefix: &str| m.strip_prefix(prefix)?.split('`').next();
        if let Some(var) = quoted("Variable `") {
            let hint = ctx.and_then(|c| fields_hint(var, c));
            let hint = hint.unwrap_or_else(|| DATA_HINT.to_string());
            return Some(Cause::at(
                format!("`{var}` is not defined"),
                var,
                Look::Name,
                hint,
            ));
        }
        if let Some((mac, arg)) =
            (m.strip_prefix("Macro `")).and_then(|r| r.split_once("` is missing the argument `"))
        {
            let arg = arg.trim_end_matches('`');
            return Some(Cause::at(
                format!("macro `{mac}` is called without its argument `{arg}`"),
                mac,
                Look::Macro,
                format!(
                    "pass it, `{mac}({arg}=…)`, or give it a default where the macro is defined"
                ),
            ));
        }
        if let Some(ns) = quoted("Macro namespace `") {
            return Some(Cause::at(
                format!("no macros imported as `{ns}`"),
                &format!("{ns}::"),
                Look::Exact,
                format!("import them first: `{{% import \"macros.html\" as {ns} %}}`"),
            ));
        }
        if let Some(call) = quoted("Macro `") {
            return Some(Cause::at(
                format!("no macro `{call}`"),
                call,
                Look::Exact,
                "check the macro's name and the file it is imported from".into(),
            ));
        }
        None
    }
}

/// A hint for a name that is not among `names`: the closest one, or where
/// the names are listed.
fn known<V>(wanted: &str, names: &HashMap<String, V>, docs: &str) -> String {
    match did_you_mean(wanted, names.keys().map(String::as_str)) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("see {docs}"),
    }
}

/// What the data has where the dotted `path` leads nowhere: the fields of
/// the last part that exists. `None` when even its first part is not data
/// of the template (a loop variable, a macro argument).
fn fields_hint(path: &str, ctx: &tera::Context) -> Option<String> {
    if path.contains('[') {
        return None;
    }
    let mut parts = path.split('.');
    let first = parts.next()?;
    let Some(mut at) = ctx.get(first) else {
        let data = ["site", "root", "path", "page"];
        if data.contains(&first) {
            // Pages get all four; a render once for every page (the search
            // filters) gets what is the same on all of them.
            let given: Vec<String> = (data.iter())
                .filter(|d| ctx.get(d).is_some())
                .map(|d| format!("`{d}`"))
                .collect();
            return Some(format!(
                "`{first}` differs from page to page, and this is rendered once for every page: it can use {} only",
                given.join(" and ")
            ));
        }
        return Some(match did_you_mean(first, data) {
            Some(s) => format!("did you mean `{s}`? {DATA_HINT}"),
            None => format!("`{first}` is not among the template's data; a loop variable, macro argument or `set` name has only the fields it is given, where it is defined; {DATA_HINT}"),
        });
    };
    let mut shown = first.to_string();
    for part in parts {
        let next = match at {
            Value::Object(m) => m.get(part),
            Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        let Some(next) = next else {
            return Some(match at {
                Value::Object(m) => {
                    let mut keys: Vec<&str> = m.keys().map(String::as_str).collect();
                    keys.sort();
                    match did_you_mean(part, keys.iter().copied()) {
                        Some(s) => format!(
                            "did you mean `{shown}.{s}`? `{shown}` has: {}",
                            keys.join(", ")
                        ),
                        None => format!("`{shown}` has no `{part}`; it has: {}", keys.join(", ")),
                    }
                }
                Value::Array(a) => format!(
                    "`{shown}` is a list of {} here",
                    crate::diag::plural(a.len(), "item")
                ),
                Value::Null => {
                    format!("`{shown}` is empty on this page: test it first, `{{% if {shown} %}}`")
                }
                _ => format!("`{shown}` is a single value, with no fields"),
            });
        };
        at = next;
        shown.push('.');
        shown.push_str(part);
    }
    None
}

/// How a name stands in a template's tags.
#[derive(Debug, Clone, Copy)]
enum Look {
    /// As written, anywhere in a tag.
    Exact,
    /// A whole name or dotted path, not part of a longer one.
    Name,
    /// A filter: after `|`.
    Filter,
    /// A function: before `(`.
    Call,
    /// A macro's name in a call: after `::`, before `(`.
    Macro,
    /// A macro's name where it is defined: after `macro`.
    Defined,
}

/// A diagnostic at the first `needle` in a tag of `src`, or at the file.
fn at_text(src: &Source, needle: &str, look: Look, message: String) -> Diagnostic {
    match find_in_tags(&src.text, needle, look) {
        Some(at) => Diagnostic::error_at(src, at..at + needle.len(), message),
        None => Diagnostic::file(Severity::Error, src.name.clone(), message),
    }
}

/// Byte offset of the first `needle` standing as `look` says inside a
/// `{{ … }}` or `{% … %}` tag of a template, not in a comment or a raw block.
fn find_in_tags(text: &str, needle: &str, look: Look) -> Option<usize> {
    let mut i = 0;
    while let Some(k) = text[i..].find('{') {
        let start = i + k;
        let close = match text.as_bytes().get(start + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                i = start + 1;
                continue;
            }
        };
        let end = text[start + 2..]
            .find(close)
            .map_or(text.len(), |e| start + 2 + e + 2);
        let tag = &text[start..end];
        i = end;
        if close == "#}" {
            continue;
        }
        if close == "%}"
            && tag[2..]
                .trim_start_matches('-')
                .trim_start()
                .starts_with("raw")
        {
            // Skip to the end of the raw block.
            i = text[end..].find("endraw").map_or(text.len(), |e| end + e);
            continue;
        }
        if let Some(p) = standing(tag, needle, look) {
            return Some(start + p);
        }
    }
    None
}

fn standing(tag: &str, needle: &str, look: Look) -> Option<usize> {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    tag.match_indices(needle).map(|(p, _)| p).find(|&p| {
        let before = tag[..p].bytes().next_back();
        let after = tag.as_bytes().get(p + needle.len()).copied();
        match look {
            Look::Exact => true,
            Look::Name => {
                !before.is_some_and(|c| word(c) || c == b'.')
                    && !after.is_some_and(|c| word(c) || c == b'.')
            }
            Look::Filter => tag[..p].trim_end().ends_with('|') && !after.is_some_and(word),
            Look::Call => {
                !before.is_some_and(|c| word(c) || c == b'.' || c == b':')
                    && tag[p + needle.len()..].trim_start().starts_with('(')
            }
            Look::Macro => {
                tag[..p].trim_end().ends_with("::")
                    && tag[p + needle.len()..].trim_start().starts_with('(')
            }
            Look::Defined => tag[..p].trim_end().ends_with("macro") && !after.is_some_and(word),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_in_tags_only() {
        let t = "page.nope {# {{ page.nope }} #}{% raw %}{{ page.nope }}{% endraw %}\n{{ a.page.nope }}{{ page.nopes }}{{ page.nope | upper }}";
        let at = find_in_tags(t, "page.nope", Look::Name).unwrap();
        assert_eq!(at, t.find("{{ page.nope |").unwrap() + 3);
        let f = find_in_tags(t, "upper", Look::Filter).unwrap();
        assert_eq!(&t[f..f + 5], "upper");
        assert_eq!(find_in_tags("{{ upper }}", "upper", Look::Filter), None);
        assert_eq!(
            find_in_tags(
                "{{ x(a=get_env) }}{{ get_env (name='A') }}",
                "get_env",
                Look::Call
            ),
            Some(21)
        );
    }
}
