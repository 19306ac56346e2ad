//! Stage 1: `book.toml`, read into typed sections that reject unknown keys.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{did_you_mean, Diagnostic, Failure, Source};
use crate::fsx;

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
    pub language: String,
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

fn default_language() -> String {
    "en".into()
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
        let book = parse_book(&source)?;
        let out_dir = root.join(book.output_dir.get_ref());
        let drafts = book.build.drafts;
        Ok(Config {
            root: root.to_path_buf(),
            book,
            book_source: source,
            edition: Edition::Participant,
            out_dir,
            drafts,
        })
    }

    /// Default output folder for an edition when `--out` is not given.
    pub fn default_out_dir(&self, edition: Edition) -> PathBuf {
        edition_dir(&self.root.join(self.book.output_dir.get_ref()), edition)
    }

    /// A configuration for tests and embedders: a handbook at `root` with
    /// the given `book.toml` text.
    pub fn from_toml(root: &Path, toml_text: &str) -> Result<Config, Failure> {
        let source = Source::new("book.toml", toml_text.to_string());
        let book = parse_book(&source)?;
        let out_dir = root.join(book.output_dir.get_ref());
        let drafts = book.build.drafts;
        Ok(Config {
            root: root.to_path_buf(),
            book,
            book_source: source,
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

fn parse_book(source: &Source) -> Result<BookToml, Failure> {
    let book: BookToml = toml::from_str(&source.text).map_err(|e| toml_error(source, &e))?;
    let mut errors = Vec::new();
    if book.title.trim().is_empty() {
        let at = source.text.find("title").unwrap_or(0);
        errors.push(
            Diagnostic::error_at(source, at..at + 5, "the title is empty")
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
        let at = source.text.find("editions").unwrap_or(0);
        errors.push(
            Diagnostic::error_at(
                source,
                at..at + 8,
                format!("the {} edition is listed twice", editions[twice].name()),
            )
            .with_hint("list each edition once"),
        );
    }
    if book.build.editions.is_empty() {
        let at = source.text.find("editions").unwrap_or(0);
        errors.push(
            Diagnostic::error_at(source, at..at + 8, "no edition to build")
                .with_hint("list at least one: [\"participant\"]"),
        );
    }
    if errors.is_empty() {
        Ok(book)
    } else {
        Err(Failure {
            diagnostics: errors,
        })
    }
}

pub fn is_hex_color(c: &str) -> bool {
    let hex = c.strip_prefix('#').unwrap_or("x");
    matches!(hex.len(), 3 | 6) && hex.chars().all(|ch| ch.is_ascii_hexdigit())
}

fn toml_error(source: &Source, e: &toml::de::Error) -> Failure {
    let span = e.span().unwrap_or(0..0);
    let msg = e.message().trim().to_string();
    let d = if let Some(rest) = msg.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let d = Diagnostic::error_at(source, span, format!("unknown key `{name}` in book.toml"));
        match did_you_mean(name, expected.iter().copied()) {
            Some(s) => d.with_hint(format!("did you mean `{s}`?")),
            None => d.with_hint(format!("valid keys here are: {}", expected.join(", "))),
        }
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
    } else if msg.starts_with("unknown variant") {
        Diagnostic::error_at(source, span, msg.clone()).with_hint("use one of the values listed")
    } else {
        Diagnostic::error_at(source, span, msg)
            .with_hint("check the TOML syntax and value types against the README")
    };
    d.into()
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
