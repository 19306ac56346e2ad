//! Stage 1: `book.toml`, read into typed sections that reject unknown keys.

use std::path::{Path, PathBuf};

use std::ops::Range;

use serde::Deserialize;
use toml::de::{DeArray, DeTable, DeValue};
use toml::Spanned;

use crate::diag::{self, between, did_you_mean, expected_list, Diagnostic, Failure, Source};
use crate::fsx;
use crate::recover::{self, Place, Tree};

/// Which audience a build is for. Facilitator-only text (exercise notes,
/// debrief guidance, run-sheets, `[!FACILITATOR]` callouts) reaches only the
/// facilitator edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Edition {
    #[default]
    Participant,
    Facilitator,
}

impl Edition {
    pub fn name(self) -> &'static str {
        match self {
            Edition::Participant => "participant",
            Edition::Facilitator => "facilitator",
        }
    }

    pub fn is_facilitator(self) -> bool {
        self == Edition::Facilitator
    }
}

/// The contents of `book.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookToml {
    /// The handbook's title, shown in every page header and `<title>`.
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub organisation: String,
    /// BCP 47 language tag (`en`, `de`, `fr-CA`): sets `<html lang>` and the search stemmer.
    #[serde(default = "default_language")]
    pub language: Spanned<String>,
    /// Where the site will be published. Optional: the site never needs it to work.
    #[serde(default)]
    pub base_url: Option<Spanned<String>>,
    #[serde(default = "default_theme")]
    pub theme: Spanned<String>,
    /// Output folder, relative to the handbook root.
    #[serde(default = "default_output")]
    pub output_dir: Spanned<PathBuf>,
    #[serde(default)]
    pub branding: Branding,
    #[serde(default)]
    pub markdown: MarkdownOptions,
    #[serde(default)]
    pub search: SearchOptions,
    #[serde(default)]
    pub build: BuildOptions,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Branding {
    /// Path of a logo image, relative to the handbook root.
    #[serde(default)]
    pub logo: Option<Spanned<PathBuf>>,
    /// Accent colour as `#rgb` or `#rrggbb`.
    #[serde(default)]
    pub accent_color: Option<Spanned<String>>,
    /// Stylesheets, relative to the handbook root, linked from every page
    /// after the theme's own, in this order.
    #[serde(default)]
    pub extra_css: Vec<Spanned<PathBuf>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MarkdownOptions {
    /// Pass raw HTML in Markdown through. Off by default: raw HTML is shown as text, with a warning.
    #[serde(default)]
    pub allow_html: bool,
    /// Curly quotes, en and em dashes, ellipses.
    #[serde(default = "yes")]
    pub smart_punctuation: bool,
}

impl Default for MarkdownOptions {
    fn default() -> Self {
        MarkdownOptions {
            allow_html: false,
            smart_punctuation: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SearchOptions {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Stemming language; defaults to the book's `language`. `"none"` turns stemming off.
    #[serde(default)]
    pub stemmer: Option<Spanned<String>>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            enabled: true,
            stemmer: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildOptions {
    /// Include lessons marked `draft: true`.
    #[serde(default)]
    pub drafts: bool,
    /// Editions `handbook build` produces. The facilitator edition goes to
    /// `<output-dir>-facilitator/`, beside the participant one.
    #[serde(default = "default_editions")]
    pub editions: Vec<Edition>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            drafts: false,
            editions: default_editions(),
        }
    }
}

fn default_language() -> Spanned<String> {
    Spanned::new(0..0, "en".into())
}
fn default_theme() -> Spanned<String> {
    Spanned::new(0..0, "default".into())
}
fn default_output() -> Spanned<PathBuf> {
    Spanned::new(0..0, PathBuf::from("site"))
}
fn default_editions() -> Vec<Edition> {
    vec![Edition::Participant]
}
fn yes() -> bool {
    true
}

/// Everything a build needs to know, resolved against the handbook root.
#[derive(Debug, Clone)]
pub struct Config {
    /// The handbook folder (holding `book.toml`).
    pub root: PathBuf,
    pub book: BookToml,
    /// `book.toml` as read, for located errors about its values.
    pub book_source: Source,
    /// What is questionable in `book.toml` but does not stop a build.
    pub warnings: Vec<Diagnostic>,
    pub edition: Edition,
    /// The output folder (absolute or relative to the working directory).
    pub out_dir: PathBuf,
    pub drafts: bool,
}

impl Config {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn themes_dir(&self) -> PathBuf {
        self.root.join("themes")
    }

    /// The error for a folder without `book.toml`, if `root` is one.
    pub fn require_book(root: &Path) -> Result<(), Failure> {
        let path = root.join("book.toml");
        if path.exists() {
            return Ok(());
        }
        Err(Diagnostic::file(
            crate::diag::Severity::Error,
            path.display().to_string(),
            "no book.toml here: this folder is not a handbook",
        )
        .with_hint(
            "run `handbook init DIR` to create one, or pass the handbook folder as an argument",
        )
        .into())
    }

    /// Reads `<root>/book.toml`. The output folder defaults to `output-dir`.
    pub fn load(root: &Path) -> Result<Config, Failure> {
        Config::require_book(root)?;
        let path = root.join("book.toml");
        let bytes = fsx::read(&path).map_err(io_diag)?;
        let text = crate::discover::decode(&bytes, "book.toml").map_err(Failure::from)?;
        let source = Source::new("book.toml", text);
        let (book, warnings) = parse_book(&source)?;
        let out_dir = root.join(book.output_dir.get_ref());
        let drafts = book.build.drafts;
        let config = Config {
            root: root.to_path_buf(),
            book,
            book_source: source,
            warnings,
            edition: Edition::Participant,
            out_dir,
            drafts,
        };
        match config.output_dir_problem() {
            Some(d) => Err(d.into()),
            None => Ok(config),
        }
    }

    /// An `output-dir` that would mix the site with the sources: an error
    /// at its value, for `check` as for `build`. (An `--out` folder is
    /// checked when it is written.)
    /// Why the folder `out` cannot hold the site because of where it is
    /// (the rules for `output-dir` and for `--out` alike), if it cannot.
    pub fn output_dir_clash(&self, out: &Path) -> Option<&'static str> {
        use crate::discover::is_within;
        if is_within(&self.root, out) {
            Some("it would hold the handbook's own sources")
        } else if is_within(out, &self.content_dir()) {
            Some("it is inside `content/`, where the site would be read back as content")
        } else if is_within(out, &self.themes_dir()) {
            Some("it is inside `themes/`, where the site would be read back as a theme")
        } else {
            None
        }
    }

    fn output_dir_problem(&self) -> Option<Diagnostic> {
        let why = self.output_dir_clash(&self.root.join(self.book.output_dir.get_ref()))?;
        Some(
            Diagnostic::error_at(
                &self.book_source,
                self.book.output_dir.span(),
                format!(
                    "the output folder `{}` cannot hold the site: {why}",
                    self.book.output_dir.get_ref().display()
                ),
            )
            .with_hint("give the site a folder of its own beside `content/`, such as \"site\""),
        )
    }

    /// Default output folder for an edition when `--out` is not given.
    pub fn default_out_dir(&self, edition: Edition) -> PathBuf {
        edition_dir(&self.root.join(self.book.output_dir.get_ref()), edition)
    }

    /// A configuration for tests and embedders: a handbook at `root` with
    /// the given `book.toml` text.
    pub fn from_toml(root: &Path, toml_text: &str) -> Result<Config, Failure> {
        let source = Source::new("book.toml", toml_text.to_string());
        let (book, warnings) = parse_book(&source)?;
        let out_dir = root.join(book.output_dir.get_ref());
        let drafts = book.build.drafts;
        Ok(Config {
            root: root.to_path_buf(),
            book,
            book_source: source,
            warnings,
            edition: Edition::Participant,
            out_dir,
            drafts,
        })
    }
}

/// An I/O error as a diagnostic naming its path.
pub fn io_diag(e: fsx::FsError) -> Diagnostic {
    let hint = match e.source.kind() {
        std::io::ErrorKind::PermissionDenied => "check the file's permissions",
        std::io::ErrorKind::NotFound => "check that the path exists",
        _ => "check that the path is readable and the disk is not full",
    };
    Diagnostic::file(
        crate::diag::Severity::Error,
        e.path.display().to_string(),
        e.to_string(),
    )
    .with_hint(hint)
}

/// The book, and its warnings; or every problem, warnings included.
fn parse_book(source: &Source) -> Result<(BookToml, Vec<Diagnostic>), Failure> {
    let (book, mut errors) = match toml::from_str::<BookToml>(&source.text) {
        Ok(book) => (Some(book), Vec::new()),
        Err(_) => every_problem(source),
    };
    // The values that parsed are checked too, so that every problem comes
    // in one run.
    if let Some(book) = &book {
        errors.extend(check(source, book));
    }
    diag::sort(&mut errors);
    match book {
        Some(book) if !errors.iter().any(Diagnostic::is_error) => Ok((book, errors)),
        _ => Err(Failure {
            diagnostics: errors,
        }),
    }
}

/// Every problem of a `book.toml` that failed to parse, and its values
/// without the entries they are in (see [`crate::recover`]): a syntax
/// error alone, or every unknown key and bad value.
fn every_problem(source: &Source) -> (Option<BookToml>, Vec<Diagnostic>) {
    let table = match DeTable::parse(&source.text) {
        Ok(t) => t,
        Err(e) => return (None, vec![toml_error(source, &e, None)]),
    };
    let outline = Outline::new(&table);
    let recover::Recovered {
        value: book, found, ..
    } = recover::recover(
        &outline.tree,
        |dropped| {
            let root = Spanned::new(table.span(), outline.without(table.get_ref(), dropped));
            BookToml::deserialize(toml::de::Deserializer::from(root))
        },
        |e, dropped| outline.place(e, dropped),
    );
    let diags = (found.iter())
        .map(|f| toml_error(source, &f.error, Some(outline.key_of(&f.place))))
        .chain(recover::note_if_cut(&found, &source.name))
        .collect();
    (book, diags)
}

/// Where the value at `path` (`["build", "editions"]`) is in a `book.toml`
/// that parsed, or where its `item`-th list item is: for the checks made
/// after parsing, which a search of the text could send to a comment.
fn span_of(text: &str, path: &[&str], item: Option<usize>) -> Option<Range<usize>> {
    let table = DeTable::parse(text).ok()?;
    let outline = Outline::new(&table);
    let tree = &outline.tree;
    let mut node = 0;
    for key in path {
        node = *(tree.children(node).iter()).find(|&&c| tree.key(c) == Some(key))?;
    }
    if let Some(i) = item {
        node = *tree.children(node).get(i)?;
    }
    Some(outline.value_spans[node].clone())
}

/// The entries of a TOML document (see [`Tree`]) and where each one is.
struct Outline {
    tree: Tree,
    /// The key's span; a list item's own.
    key_spans: Vec<Range<usize>>,
    value_spans: Vec<Range<usize>>,
}

impl Outline {
    fn new(root: &Spanned<DeTable<'_>>) -> Outline {
        let mut o = Outline {
            tree: Tree::new(),
            key_spans: vec![root.span()],
            value_spans: vec![root.span()],
        };
        o.add_entries_of(0, root.get_ref());
        o
    }

    /// Numbers the entries in the order [`Outline::without`] meets them.
    fn add_entries_of(&mut self, node: usize, table: &DeTable<'_>) {
        for (k, v) in table.iter() {
            let n = self.tree.add(node, Some(k.get_ref().to_string()));
            self.key_spans.push(k.span());
            self.add_value(n, v);
        }
    }

    fn add_value(&mut self, node: usize, v: &Spanned<DeValue<'_>>) {
        self.value_spans.push(v.span());
        match v.get_ref() {
            DeValue::Table(t) => self.add_entries_of(node, t),
            DeValue::Array(a) => {
                for item in a.iter() {
                    let n = self.tree.add(node, None);
                    self.key_spans.push(item.span());
                    self.add_value(n, item);
                }
            }
            _ => {}
        }
    }

    /// The document without the `dropped` entries.
    fn without<'i>(&self, table: &DeTable<'i>, dropped: &[bool]) -> DeTable<'i> {
        let mut next = 1;
        without_in(table, dropped, &mut next)
    }

    /// Where a problem is: at the key or value its span is, the innermost.
    fn place(&self, e: &toml::de::Error, dropped: &[bool]) -> Place {
        let Some(span) = e.span() else {
            return Place::Nowhere;
        };
        let msg = e.message();
        let live = |n: &usize| !recover::is_dropped(&self.tree, dropped, *n);
        let at_value = (0..self.tree.len())
            .rev()
            .filter(live)
            .find(|&n| self.value_spans[n] == span);
        if let Some(key) = between(msg, "missing field `", "`") {
            return Place::Missing {
                node: at_value.unwrap_or(0),
                key: key.to_string(),
            };
        }
        if let Some(key) = between(msg, "unknown field `", "`") {
            let expected = expected_list(msg);
            let node = (1..self.tree.len())
                .filter(live)
                .find(|&n| self.key_spans[n] == span && self.tree.key(n) == Some(key));
            return match node {
                Some(node) => Place::Entry {
                    node,
                    meant: did_you_mean(key, expected.iter().map(String::as_str))
                        .map(str::to_string),
                },
                None => Place::Nowhere,
            };
        }
        let about_a_value = [
            "invalid type",
            "invalid value",
            "invalid length",
            "unknown variant",
            "wanted string or table",
        ];
        match at_value {
            Some(node) if about_a_value.iter().any(|s| msg.starts_with(s)) => {
                Place::Entry { node, meant: None }
            }
            _ => Place::Nowhere,
        }
    }

    /// The key a problem concerns: a list item's is its list's.
    fn key_of(&self, place: &Place) -> String {
        let mut n = match place {
            Place::Entry { node, .. } | Place::Missing { node, .. } => *node,
            Place::Nowhere => 0,
        };
        while n != 0 && self.tree.key(n).is_none() {
            n = self.tree.parent(n);
        }
        self.tree.key(n).unwrap_or_default().to_string()
    }
}

fn without_in<'i>(table: &DeTable<'i>, dropped: &[bool], next: &mut usize) -> DeTable<'i> {
    let mut out = DeTable::new();
    for (k, v) in table.iter() {
        let n = *next;
        *next += 1;
        // Numbered in full, dropped or not, as the outline was.
        let inner = value_without(v, dropped, next);
        if !dropped[n] {
            out.insert(k.clone(), inner);
        }
    }
    out
}

fn value_without<'i>(
    v: &Spanned<DeValue<'i>>,
    dropped: &[bool],
    next: &mut usize,
) -> Spanned<DeValue<'i>> {
    let inner = match v.get_ref() {
        DeValue::Table(t) => DeValue::Table(without_in(t, dropped, next)),
        DeValue::Array(a) => {
            let mut items = Vec::new();
            for item in a.iter() {
                let n = *next;
                *next += 1;
                let kept = value_without(item, dropped, next);
                if !dropped[n] {
                    items.push(kept);
                }
            }
            DeValue::Array(items.into_iter().collect::<DeArray>())
        }
        other => other.clone(),
    };
    Spanned::new(v.span(), inner)
}

/// The checks of values that parsed.
fn check(source: &Source, book: &BookToml) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let language = &book.language;
    if !is_language_code(language.get_ref()) {
        let about = "`language` is an ISO 639-1 code, with a region if you like (\"en\", \"de\", \"fr-CA\"): it sets the pages' language for browsers and screen readers, and the search's stemmer and stop words";
        let hint = match crate::search::text::code_of(language.get_ref()) {
            Some(code) => format!("did you mean \"{code}\"? {about}"),
            None => about.to_string(),
        };
        errors.push(
            Diagnostic::warning_at(
                source,
                language.span(),
                format!("`{}` is not a known language code", language.get_ref()),
            )
            .with_hint(hint),
        );
    }
    if let Some(logo) = &book.branding.logo {
        let ext = (logo.get_ref().extension()).map(|e| e.to_string_lossy().to_ascii_lowercase());
        if !ext.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str())) {
            errors.push(
                Diagnostic::error_at(
                    source,
                    logo.span(),
                    format!("the logo `{}` is not an image", logo.get_ref().display()),
                )
                .with_hint(format!(
                    "the logo is shown by the browser: use a .{} or .{} file",
                    IMAGE_EXTENSIONS[..IMAGE_EXTENSIONS.len() - 1].join(", ."),
                    IMAGE_EXTENSIONS[IMAGE_EXTENSIONS.len() - 1],
                )),
            );
        }
    }
    if book.title.trim().is_empty() {
        let at = span_of(&source.text, &["title"], None).unwrap_or(0..0);
        errors.push(
            Diagnostic::error_at(source, at, "the title is empty")
                .with_hint("give the handbook a title"),
        );
    }
    if let Some(c) = &book.branding.accent_color {
        if !is_hex_color(c.get_ref()) {
            errors.push(
                Diagnostic::error_at(
                    source,
                    c.span(),
                    format!("`{}` is not a colour", c.get_ref()),
                )
                .with_hint(
                    "write the accent colour as `#rgb` or `#rrggbb`, for example \"#2f6f4e\"",
                ),
            );
        }
    }
    if let Some(url) = &book.base_url {
        let lower = url.get_ref().trim().to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://")) {
            errors.push(
                Diagnostic::error_at(
                    source,
                    url.span(),
                    format!("`{}` is not a web address", url.get_ref()),
                )
                .with_hint("base-url is where the site is published, such as \"https://training.example.org/handbook/\""),
            );
        }
    }
    let editions = &book.build.editions;
    if let Some(twice) = (1..editions.len()).find(|&i| editions[..i].contains(&editions[i])) {
        let at = span_of(&source.text, &["build", "editions"], Some(twice)).unwrap_or(0..0);
        errors.push(
            Diagnostic::error_at(
                source,
                at,
                format!("the {} edition is listed twice", editions[twice].name()),
            )
            .with_hint("list each edition once"),
        );
    }
    if book.build.editions.is_empty() {
        let at = span_of(&source.text, &["build", "editions"], None).unwrap_or(0..0);
        errors.push(
            Diagnostic::error_at(source, at, "no edition to build")
                .with_hint("list at least one: [\"participant\"]"),
        );
    }
    errors
}

/// Image types every browser shows, by file extension.
const IMAGE_EXTENSIONS: [&str; 8] = ["png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico"];

/// The ISO 639-1 language codes, sorted.
const ISO_639_1: [&str; 183] = [
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Whether a language tag starts with an ISO 639-1 code: `en`, `fr-CA`,
/// `pt_BR` (any case).
fn is_language_code(tag: &str) -> bool {
    let primary = tag.split(['-', '_']).next().unwrap_or("");
    ISO_639_1
        .binary_search(&primary.to_ascii_lowercase().as_str())
        .is_ok()
}

pub fn is_hex_color(c: &str) -> bool {
    let hex = c.strip_prefix('#').unwrap_or("x");
    matches!(hex.len(), 3 | 6) && hex.chars().all(|ch| ch.is_ascii_hexdigit())
}

/// A TOML error as a located diagnostic with a hint; `key` is the key it
/// concerns, when known.
fn toml_error(source: &Source, e: &toml::de::Error, key: Option<String>) -> Diagnostic {
    let span = e.span().unwrap_or(0..0);
    let msg = e.message().trim().to_string();
    let named = |m: &str| match key.as_deref() {
        Some(k) if !k.is_empty() => format!("`{k}`: {m}"),
        _ => m.to_string(),
    };
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        Diagnostic::error_at(source, span, format!("unknown key `{name}` in book.toml"))
            .with_hint(diag::unknown_key_hint(name, &expected_list(&msg)))
    } else if msg.starts_with("duplicate key") {
        Diagnostic::error_at(source, span, "duplicate key in book.toml")
            .with_hint("each key may appear only once")
    } else if msg.starts_with("missing field") {
        let name = msg.split('`').nth(1).unwrap_or("");
        Diagnostic::error_at(
            source,
            span,
            format!("missing required key `{name}` in book.toml"),
        )
        .with_hint(format!("add `{name} = \"…\"`"))
    } else if let Some(value) = between(&msg, "unknown variant `", "`") {
        Diagnostic::error_at(source, span, named(&format!("unknown value `{value}`")))
            .with_hint(diag::one_of_hint(value, &expected_list(&msg)))
    } else if ["invalid type", "invalid value", "invalid length"]
        .iter()
        .any(|s| msg.starts_with(s))
    {
        Diagnostic::error_at(
            source,
            span,
            named(&diag::without_type_names(&msg, "a table")),
        )
        .with_hint("check the value's type against the `book.toml` section of the README")
    } else {
        Diagnostic::error_at(source, span, msg)
            .with_hint("check the TOML syntax and value types against the README")
    }
}

/// Where `edition` goes when the output folder is `base`: the participant
/// edition in `base` itself, the facilitator edition beside it in
/// `<base>-facilitator`, so that building both never lets one overwrite
/// the other and facilitator notes are not published by accident.
pub fn edition_dir(base: &Path, edition: Edition) -> PathBuf {
    match edition {
        Edition::Participant => base.to_path_buf(),
        Edition::Facilitator => {
            // `.` or `..` have no name of their own: use the folder's real one.
            let named = match base.file_name() {
                Some(_) => base.to_path_buf(),
                None => base.canonicalize().unwrap_or_else(|_| base.to_path_buf()),
            };
            let name = named
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "site".into());
            named.with_file_name(format!("{name}-facilitator"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(toml: &str) -> Diagnostic {
        Config::from_toml(Path::new("/x"), toml)
            .unwrap_err()
            .diagnostics
            .remove(0)
    }

    #[test]
    fn misspelled_keys_get_a_suggestion_and_position() {
        let d = err("title = 'a'\n[branding]\naccent-colour = '#fff'\n");
        assert_eq!((d.line, d.col), (3, 1));
        assert_eq!(d.message, "unknown key `accent-colour` in book.toml");
        assert_eq!(d.hint.as_deref(), Some("did you mean `accent-color`?"));
    }

    fn each(toml: &str) -> Vec<String> {
        let f = Config::from_toml(Path::new("/x"), toml).unwrap_err();
        (f.diagnostics.iter())
            .map(|d| format!("{}:{} {}", d.line, d.col, d.message))
            .collect()
    }

    #[test]
    fn every_problem_is_reported_and_the_rest_still_checked() {
        assert_eq!(
            each("title = 'T'\norganization = 'x'\n[build]\neditions = ['participant', 'trainer']\n[search]\nenabld = true\n[branding]\naccent-color = 'green'\n"),
            [
                "2:1 unknown key `organization` in book.toml",
                "4:28 `editions`: unknown value `trainer`",
                "6:1 unknown key `enabld` in book.toml",
                "8:16 `green` is not a colour",
            ]
        );
        // A list left empty by its bad items is not also empty.
        assert_eq!(
            each("title = 'T'\n[build]\neditions = ['trainer']\n"),
            ["3:13 `editions`: unknown value `trainer`"]
        );
        // A required key with a bad value is not also missing.
        assert_eq!(
            each("title = 42\ntheme = []\n"),
            [
                "1:9 `title`: invalid type: integer `42`, expected a string",
                "2:9 `theme`: invalid type: sequence, expected a string",
            ]
        );
        assert_eq!(
            each("theme = 'x'\n[branding]\nlogo = 1\n"),
            [
                "1:1 missing required key `title` in book.toml",
                "3:8 `logo`: invalid type: integer `1`, expected path string",
            ]
        );
    }

    #[test]
    fn language_codes() {
        assert!(ISO_639_1.windows(2).all(|w| w[0] < w[1]), "sorted");
        for ok in ["en", "de", "fr-CA", "pt_BR", "EN-gb", "zu"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["xx", "", "english", "eng", "-en", "e"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }

    #[test]
    fn bad_colour_is_located() {
        let d = err("title = 'a'\n[branding]\naccent-color = 'green'\n");
        assert_eq!((d.line, d.col), (3, 16));
    }

    #[test]
    fn defaults() {
        let c = Config::from_toml(Path::new("/x"), "title = 'T'\n").unwrap();
        assert_eq!(c.out_dir, Path::new("/x/site"));
        assert_eq!(c.book.theme.get_ref(), "default");
        assert!(c.book.search.enabled);
    }
}
