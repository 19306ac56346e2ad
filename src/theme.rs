//! Stage 8: the theme. The default theme in `themes/default/` is embedded in
//! the binary; a handbook's `themes/<name>/` can override single templates,
//! or extend a default template (`{% extends "default/lesson.html" %}`) and
//! replace one block. Lookup order: the handbook's theme, then the default.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::config::Config;
use crate::diag::{display_path, Diagnostic, Severity, Source};
use crate::fsx;

mod errors;

macro_rules! embedded_theme {
    ($($path:literal),* $(,)?) => {
        /// Every file of the default theme, embedded at compile time. This
        /// list is the one place the theme's files are named.
        pub const DEFAULT_THEME: &[(&str, &[u8])] = &[
            $(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $path)))),*
        ];
    };
}

embedded_theme!(
    "templates/base.html",
    "templates/macros.html",
    "templates/home.html",
    "templates/chapter.html",
    "templates/lesson.html",
    "templates/exercise.html",
    "templates/exercise-card.html",
    "templates/catalogue.html",
    "templates/workshop.html",
    "templates/print.html",
    "templates/pack.html",
    "templates/search.html",
    "templates/contents.html",
    "templates/404.html",
    "static/style.css",
    "static/handbook.js",
    "static/search.js",
    "static/catalogue.js",
    "static/quiz.js",
);

/// A template of the build's own, not the theme's: the header's search
/// filters, rendered once per build from the theme's `search_filters`
/// macro (the same markup on every page) and handed to every page as
/// `site.search_filters`. Calling the macro on each of 20,000 pages cost
/// about 1.5% of a build with search. Its name ends in `.html`, so what
/// the macro prints is escaped as on the pages.
pub const SEARCH_FILTERS: &str = "__search_filters.html";
const SEARCH_FILTERS_SOURCE: &str =
    r#"{% import "macros.html" as m %}{{ m::search_filters(id="hb-search") }}"#;

/// Compiled templates plus the static files to publish under `_theme/`.
pub struct Theme {
    pub tera: tera::Tera,
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Rendered templates kept between builds (`handbook serve` only).
    pub memo: Option<crate::cache::RenderMemo>,
    /// Each template's file, by template name: its path as the user sees
    /// it and its text, for diagnostics.
    files: HashMap<String, Source>,
}

/// A theme's files: the embedded default with the handbook's overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sources {
    pub name: String,
    pub templates: BTreeMap<String, String>,
    /// Where each template comes from, by template name.
    pub origins: BTreeMap<String, Origin>,
    pub statics: BTreeMap<String, Vec<u8>>,
}

/// The file a template comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Its path as shown: `themes/house/templates/lesson.html`, or
    /// `themes/default/templates/…` for the embedded default theme.
    pub path: String,
    /// Whether it is the handbook's file rather than the embedded one.
    pub handbook: bool,
}

/// Loads the default theme and the handbook's overrides.
pub fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    compile(&read_sources(config)?)
}

/// The error for a theme that `book.toml` names and that has no folder
/// (the built-in `default` needs none).
pub fn missing(config: &Config) -> Option<Diagnostic> {
    let name = config.book.theme.get_ref();
    if name == "default" || config.themes_dir().join(name).is_dir() {
        return None;
    }
    Some(
        Diagnostic::error_at(
            &config.book_source,
            config.book.theme.span(),
            format!("theme `{name}` not found"),
        )
        .with_hint(format!(
            "create `themes/{name}/` or use theme = \"default\""
        )),
    )
}

/// Reads the theme's files: the default theme and the handbook's overrides.
pub fn read_sources(config: &Config) -> Result<Sources, Vec<Diagnostic>> {
    let mut templates = Templates::default();
    let mut statics: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (path, bytes) in DEFAULT_THEME {
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let origin = Origin {
                path: format!("themes/default/{path}"),
                handbook: false,
            };
            templates.insert(format!("default/{name}"), text.clone(), origin.clone());
            templates.insert(name.to_string(), text, origin);
        } else if let Some(name) = path.strip_prefix("static/") {
            statics.insert(name.to_string(), bytes.to_vec());
        }
    }
    let name = config.book.theme.get_ref();
    let dir = config.themes_dir().join(name);
    let mut diags = Vec::new();
    if dir.is_dir() {
        read_overrides(config, &dir, name, &mut templates, &mut statics, &mut diags);
    } else {
        diags.extend(missing(config));
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Sources {
        name: name.to_string(),
        templates: templates.texts,
        origins: templates.origins,
        statics,
    })
}

/// Templates by name, with their files.
#[derive(Default)]
struct Templates {
    texts: BTreeMap<String, String>,
    origins: BTreeMap<String, Origin>,
}

impl Templates {
    fn insert(&mut self, name: String, text: String, origin: Origin) {
        self.texts.insert(name.clone(), text);
        self.origins.insert(name, origin);
    }
}

/// Compiles the templates of a theme's files. Every problem is reported
/// at the file that has it: syntax errors at their line and column, a
/// missing or circular parent, an import of a missing file, and a call of
/// a macro that does not exist.
pub fn compile(sources: &Sources) -> Result<Theme, Vec<Diagnostic>> {
    let Sources {
        name,
        templates,
        origins,
        statics,
    } = sources;
    let files: HashMap<String, Source> = (templates.iter())
        .map(|(t, text)| {
            let path = origins.get(t).map_or_else(|| t.clone(), |o| o.path.clone());
            (t.clone(), Source::new(path, text.as_str()))
        })
        .collect();
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    // Templates must not read the build machine's environment.
    tera.register_function(
        "get_env",
        |_: &std::collections::HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
            Err(tera::Error::msg(
                "templates cannot read environment variables",
            ))
        },
    );
    // Parsed one by one, so that every file's syntax error is reported.
    let mut diags = Vec::new();
    for (t, src) in &files {
        match tera::Template::new(t, None, &src.text) {
            Ok(parsed) => {
                tera.templates.insert(t.clone(), parsed);
            }
            Err(e) => diags.push(errors::syntax(src, &e)),
        }
    }
    if diags.is_empty() {
        diags = errors::structure(&tera.templates, &files);
    }
    if diags.is_empty() {
        let linked = tera.build_inheritance_chains();
        if let Err(e) = linked.and_then(|()| tera.check_macro_files()) {
            // The checks above find what Tera refuses; this is a fallback.
            let folder = format!("themes/{name}/templates");
            diags.push(Diagnostic::file(
                Severity::Error,
                folder,
                errors::chain_text(&e),
            ));
        }
    }
    if diags.is_empty() {
        diags = errors::macro_calls(&tera, &files, origins);
    }
    if !diags.is_empty() {
        crate::diag::dedup(&mut diags);
        return Err(diags);
    }
    // Added once the theme's own templates are checked: it calls a macro
    // the checks above already require of `macros.html`.
    let filters = tera::Template::new(SEARCH_FILTERS, None, SEARCH_FILTERS_SOURCE)
        .expect("the search filters' template parses");
    tera.templates.insert(SEARCH_FILTERS.to_string(), filters);
    Ok(Theme {
        tera,
        statics: statics.clone(),
        memo: None,
        files,
    })
}

impl Theme {
    /// The diagnostic for template `name` failing to render with `ctx`:
    /// at the file the failing expression is in and, when it can be
    /// found there, its line and column, with a hint naming what failed
    /// and what the template can use instead.
    pub fn render_error(
        &self,
        name: &str,
        e: &tera::Error,
        ctx: Option<&tera::Context>,
    ) -> Diagnostic {
        errors::render(&self.tera, &self.files, name, e, ctx, None)
    }

    /// [`Theme::render_error`] for template `name`, which only calls the
    /// macro `in_macro`: the failing expression is looked for in that
    /// macro first.
    pub fn macro_render_error(
        &self,
        name: &str,
        in_macro: &str,
        e: &tera::Error,
        ctx: Option<&tera::Context>,
    ) -> Diagnostic {
        errors::render(&self.tera, &self.files, name, e, ctx, Some(in_macro))
    }
}

/// Escapes text for HTML element content and double- or single-quoted
/// attributes. Unlike Tera's default it leaves `/` alone, so URLs stay readable.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    // The characters to escape are ASCII, so the text between them is
    // copied in runs rather than one character at a time.
    let mut done = 0;
    for (i, b) in input.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[done..i]);
        out.push_str(entity);
        done = i + 1;
    }
    out.push_str(&input[done..]);
    out
}

fn read_overrides(
    config: &Config,
    dir: &Path,
    name: &str,
    templates: &mut Templates,
    statics: &mut BTreeMap<String, Vec<u8>>,
    diags: &mut Vec<Diagnostic>,
) {
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| display_path(&config.root, p))
                    .unwrap_or_default();
                diags.push(Diagnostic::file(
                    Severity::Error,
                    p,
                    format!("could not read theme: {e}"),
                ));
                continue;
            }
        };
        if !entry.file_type().is_file()
            || crate::discover::is_editor_noise(&entry.file_name().to_string_lossy())
        {
            continue;
        }
        let rel = display_path(dir, entry.path());
        let origin = Origin {
            path: display_path(&config.root, entry.path()),
            handbook: true,
        };
        let bytes = match fsx::read(entry.path()) {
            Ok(b) => b,
            Err(e) => {
                diags.push(crate::config::io_diag(e));
                continue;
            }
        };
        if let Some(t) = rel.strip_prefix("templates/") {
            match String::from_utf8(bytes) {
                Ok(text) => {
                    if name == "default" {
                        templates.insert(format!("default/{t}"), text.clone(), origin.clone());
                    }
                    templates.insert(t.to_string(), text, origin);
                }
                Err(_) => diags.push(Diagnostic::file(
                    Severity::Error,
                    display_path(&config.root, entry.path()),
                    "template is not UTF-8",
                )),
            }
        } else if let Some(s) = rel.strip_prefix("static/") {
            statics.insert(s.to_string(), bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes_only() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("a/b c"), "a/b c");
        assert_eq!(
            escape_html(r#"<a href="x">Tom & 'Jé'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jé&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("é&ü"), "é&amp;ü");
        assert_eq!(escape_html("&"), "&amp;");
    }

    /// The embedded list and the folder must agree, so that the list is the
    /// single definition of the theme's files.
    #[test]
    fn embedded_list_matches_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| display_path(&dir, e.path()))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = DEFAULT_THEME.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
    }
}
