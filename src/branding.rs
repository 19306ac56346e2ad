//! The files `[branding]` in `book.toml` names, read and published: the
//! logo and the handbook's own stylesheets (`extra-css`). Each problem is
//! an error at its value in `book.toml`.

use std::sync::Arc;

use crate::config::{Config, Edition};
use crate::diag::{self, Diagnostic};
use crate::{discover, fsx, output, OutputFile};

/// The logo from `[branding] logo`, published as `_theme/logo.<ext>`.
pub fn logo_file(config: &Config) -> Result<Option<OutputFile>, Diagnostic> {
    let Some(logo) = &config.book.branding.logo else {
        return Ok(None);
    };
    let path = config.root.join(logo.get_ref());
    // As with links under content/: what is published stays in the handbook.
    if !discover::is_within(&path, &config.root) {
        return Err(Diagnostic::error_at(
            &config.book_source,
            logo.span(),
            "the logo lies outside the handbook folder",
        )
        .with_hint("copy the image into the handbook folder and name it from there"));
    }
    let bytes = fsx::read(&path).map_err(|e| {
        Diagnostic::error_at(
            &config.book_source,
            logo.span(),
            format!("cannot read the logo: {}", e.source),
        )
        .with_hint("the logo path is relative to the folder holding book.toml")
    })?;
    let ext = logo
        .get_ref()
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_else(|| "png".into());
    Ok(Some(OutputFile::new(format!("_theme/logo.{ext}"), bytes)))
}

/// A stylesheet from `[branding] extra-css`, read: its file name and bytes.
pub struct ExtraCss {
    name: String,
    bytes: Arc<[u8]>,
    /// Its path under the theme's `static/` folder, when it is one of the
    /// theme's files: published there already, with what it refers to.
    in_theme: Option<String>,
}

/// Reads the stylesheets `[branding] extra-css` lists, in order; every
/// one that is missing, unreadable or outside the handbook is an error at
/// its value in `book.toml`.
pub fn read_extra_css(config: &Config) -> (Vec<ExtraCss>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut diags = Vec::new();
    let list = &config.book.branding.extra_css;
    for (i, css) in list.iter().enumerate() {
        let written = css.get_ref();
        let error = |message: String, hint: String| {
            Diagnostic::error_at(&config.book_source, css.span(), message).with_hint(hint)
        };
        if list[..i].iter().any(|e| same_path(e.get_ref(), written)) {
            diags.push(error(
                format!("`{}` is listed twice in extra-css", written.display()),
                "list each stylesheet once, where it should come in the order".into(),
            ));
            continue;
        }
        let path = config.root.join(written);
        // As with the logo: what is published stays in the handbook.
        if !discover::is_within(&path, &config.root) {
            diags.push(error(
                format!(
                    "the stylesheet `{}` lies outside the handbook folder",
                    written.display()
                ),
                "copy it into the handbook folder and name it from there".into(),
            ));
            continue;
        }
        if path.is_dir() {
            diags.push(error(
                format!("`{}` is a folder, not a stylesheet", written.display()),
                "name each .css file in it".into(),
            ));
            continue;
        }
        if !(written.extension()).is_some_and(|e| e.eq_ignore_ascii_case("css")) {
            diags.push(error(
                format!("`{}` is not a stylesheet", written.display()),
                "list .css files; write other formats (.scss, .less) out as CSS first".into(),
            ));
            continue;
        }
        if !path.exists() {
            let hint = match nearest_css(config, written) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "extra-css paths are relative to the folder holding book.toml".into(),
            };
            diags.push(error(
                format!("the stylesheet `{}` does not exist", written.display()),
                hint,
            ));
            continue;
        }
        match fsx::read(&path) {
            Ok(bytes) => found.push(ExtraCss {
                name: (written.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                bytes: bytes.into(),
                in_theme: in_theme_static(config, written),
            }),
            Err(e) => diags.push(error(
                format!(
                    "cannot read the stylesheet `{}`: {}",
                    written.display(),
                    e.source
                ),
                "check the file's permissions".into(),
            )),
        }
    }
    (found, diags)
}

/// The path under the theme's `static/` folder of a file `written` in
/// `book.toml`, when it lies there (`themes/house/static/extra.css`).
fn in_theme_static(config: &Config, written: &std::path::Path) -> Option<String> {
    let dir = fsx::lexical(
        &(config.themes_dir())
            .join(config.book.theme.get_ref())
            .join("static"),
    );
    let path = fsx::lexical(&config.root.join(written));
    let rel = path.strip_prefix(&dir).ok()?;
    let plain = (rel.components()).all(|c| matches!(c, std::path::Component::Normal(_)));
    plain.then(|| diag::display_path(std::path::Path::new(""), rel))
}

/// Whether two paths written in `book.toml` name the same file
/// (`./a.css`, `b/../a.css` and `a.css`).
fn same_path(a: &std::path::Path, b: &std::path::Path) -> bool {
    fsx::lexical(a) == fsx::lexical(b)
}

/// The `.css` file in the handbook folder that `written` probably meant:
/// the closest by spelling, or one of the same name in another folder.
fn nearest_css(config: &Config, written: &std::path::Path) -> Option<String> {
    let outputs = [
        config.out_dir.clone(),
        config.default_out_dir(Edition::Participant),
        config.default_out_dir(Edition::Facilitator),
    ];
    let candidates: Vec<String> = walkdir::WalkDir::new(&config.root)
        .max_depth(8)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            // A site built before, wherever it is, holds copies.
            let site = e.file_type().is_dir()
                && (outputs.iter().any(|o| e.path() == o)
                    || e.path().join(output::MARKER).exists());
            !hidden && !site
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| (e.path().extension()).is_some_and(|x| x.eq_ignore_ascii_case("css")))
        .map(|e| diag::display_path(&config.root, e.path()))
        .collect();
    let word = written.to_string_lossy().replace('\\', "/");
    let word = word.trim_start_matches("./");
    if let Some(near) = crate::model::closest_path(word, candidates.iter().map(String::as_str)) {
        return Some(near.to_string());
    }
    let name = word.rsplit('/').next().unwrap_or(word);
    (candidates.iter())
        .find(|c| c.rsplit('/').next() == Some(name))
        .cloned()
}

/// The extra stylesheets as files of the site, and the paths to link, in
/// order. A theme's own static stylesheet is linked where the theme
/// publishes it (`_theme/extra.css`), so that the URLs in it still reach
/// the files beside it. The others go to `_theme/extra/` under their own
/// names made safe for URLs: a name another stylesheet or the theme
/// already has (in any case) gets a number (`brand-2.css`).
pub fn extra_css_files(
    found: Vec<ExtraCss>,
    statics: &std::collections::BTreeMap<String, Vec<u8>>,
) -> (Vec<OutputFile>, Vec<String>) {
    let mut taken: std::collections::HashSet<String> = (statics.keys())
        .map(|s| format!("_theme/{s}").to_lowercase())
        .collect();
    let mut files = Vec::with_capacity(found.len());
    let mut links = Vec::with_capacity(found.len());
    for css in found {
        if let Some(rel) = css.in_theme.filter(|rel| statics.contains_key(rel)) {
            links.push(format!("_theme/{rel}"));
            continue;
        }
        let safe: String = (css.name.chars())
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '_' | '-' => c,
                _ => '-',
            })
            .collect();
        let (stem, ext) = safe.rsplit_once('.').unwrap_or((&safe, "css"));
        let stem = if stem.is_empty() { "extra" } else { stem };
        let path = (1..)
            .map(|n| match n {
                1 => format!("_theme/extra/{stem}.{ext}"),
                n => format!("_theme/extra/{stem}-{n}.{ext}"),
            })
            .find(|p| !taken.contains(&p.to_lowercase()))
            .unwrap_or_default();
        taken.insert(path.to_lowercase());
        links.push(path.clone());
        files.push(OutputFile {
            path,
            bytes: css.bytes,
        });
    }
    (files, links)
}
