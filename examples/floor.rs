//! The benchmark's floors: the least work any generator must do, measured
//! on the same corpus as the build.
//!
//! - `floor DIR --out OUT`: reads every `.md` file under `DIR/content`, drops
//!   the YAML front matter, converts the body with pulldown-cmark (the
//!   handbook's Markdown options) and writes one HTML file per page, in
//!   parallel with rayon. No templates, navigation, exercises or search.
//! - `floor DIR --out OUT --yaml`: the same, and in the same pass each
//!   page's front matter through the handbook's YAML parser, then every
//!   YAML file under `DIR/content` (exercises, workshop plans), keeping
//!   nothing (`handbook::skim_yaml`). Its time less the floor's is what
//!   reading the metadata costs at least.
//! - `floor --copy SITE --out OUT`: reads a built site into memory and
//!   writes it to `OUT`, in parallel: what holding and writing that many
//!   bytes in that many files costs at least, with no work to produce them.
//!
//! ```text
//! cargo run --release --example floor -- DIR --out OUT
//! cargo run --release --example floor -- DIR --out OUT --yaml
//! cargo run --release --example floor -- --copy SITE --out OUT
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use pulldown_cmark::{html, Parser};
use rayon::prelude::*;

fn die(msg: &str) -> ! {
    eprintln!("floor: {msg}");
    std::process::exit(2)
}

/// A page's front matter (the YAML between the `---` lines) and the
/// Markdown after it, as the handbook splits them.
fn split(text: &str) -> (&str, &str) {
    match handbook::frontmatter::bounds(text) {
        Some((yaml, body)) => (&text[yaml], &text[body..]),
        None => ("", text),
    }
}

/// The files under `root` (relative paths) that `keep` accepts.
fn files_under(root: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && keep(e.path()))
        .map(|e| e.path().strip_prefix(root).unwrap().to_path_buf())
        .collect()
}

/// Creates the folders that `files` will be written into under `out`.
fn make_dirs(out: &Path, files: &[PathBuf]) {
    let mut dirs: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        std::fs::create_dir_all(out.join(d))
            .unwrap_or_else(|e| die(&format!("{}: {e}", d.display())));
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| die(&format!("{}: {e}", path.display())))
}

fn has_ext(p: &Path, exts: &[&str]) -> bool {
    p.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| exts.contains(&x))
}

/// `--yaml`: a YAML text through the YAML parser; its length.
fn skim(yaml: &str, rel: &Path) -> usize {
    handbook::skim_yaml(yaml).unwrap_or_else(|e| die(&format!("{}: {e}", rel.display())));
    yaml.len()
}

/// `--copy`: a built site read into memory, then written out.
fn copy_floor(site: &Path, out: &Path) {
    let started = Instant::now();
    let files = files_under(site, |_| true);
    let held: Vec<Vec<u8>> = files.par_iter().map(|rel| read(&site.join(rel))).collect();
    make_dirs(out, &files);
    files.par_iter().zip(&held).for_each(|(rel, bytes)| {
        let dest = out.join(rel);
        std::fs::write(&dest, bytes).unwrap_or_else(|e| die(&format!("{}: {e}", dest.display())));
    });
    eprintln!(
        "floor --copy: {} files, {:.1} MB in {:.3} s",
        files.len(),
        held.iter().map(Vec::len).sum::<usize>() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}

fn main() {
    let mut dir: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut copy: Option<PathBuf> = None;
    let mut yaml = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || -> PathBuf {
            args.next()
                .unwrap_or_else(|| die(&format!("{a} needs a value")))
                .into()
        };
        match a.as_str() {
            "--out" => out = Some(value()),
            "--copy" => copy = Some(value()),
            "--yaml" => yaml = true,
            "-h" | "--help" => {
                println!(
                    "floor DIR --out OUT [--yaml] | floor --copy SITE --out OUT   (DIR holds content/)"
                );
                return;
            }
            _ if dir.is_none() => dir = Some(a.into()),
            _ => die(&format!("unexpected argument `{a}`")),
        }
    }
    if let Some(site) = copy {
        let out = out.unwrap_or_else(|| die("--out OUT is required"));
        return copy_floor(&site, &out);
    }
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let content = dir.join("content");
    let out = out.unwrap_or_else(|| die("--out OUT is required"));
    let started = Instant::now();

    let files = files_under(&content, |p| has_ext(p, &["md"]));
    make_dirs(&out, &files);
    // The handbook's own extensions, with smart punctuation as the
    // benchmark's book.toml has it.
    let opts = handbook::markdown::parser_options(&handbook::config::MarkdownOptions {
        allow_html: false,
        smart_punctuation: true,
    });
    let (bytes, mut yaml_bytes): (u64, usize) = files
        .par_iter()
        .map(|rel| {
            let text = std::fs::read_to_string(content.join(rel))
                .unwrap_or_else(|e| die(&format!("{}: {e}", rel.display())));
            let (front, md) = split(&text);
            // With --yaml, the front matter too, in the same pass.
            let yaml_len = if yaml { skim(front, rel) } else { 0 };
            let mut html_out = String::with_capacity(md.len() * 3 / 2);
            html::push_html(&mut html_out, Parser::new_ext(md, opts));
            let dest = out.join(rel).with_extension("html");
            std::fs::write(&dest, &html_out)
                .unwrap_or_else(|e| die(&format!("{}: {e}", dest.display())));
            (html_out.len() as u64, yaml_len)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let mut yaml_files = 0;
    if yaml {
        // Exercises and workshop plans.
        let files = files_under(&content, |p| has_ext(p, &["yaml", "yml"]));
        yaml_files = files.len();
        yaml_bytes += files
            .par_iter()
            .map(|rel| {
                let text = String::from_utf8(read(&content.join(rel)))
                    .unwrap_or_else(|_| die(&format!("{}: not UTF-8", rel.display())));
                skim(&text, rel)
            })
            .sum::<usize>();
    }
    let with_yaml = if yaml {
        format!(
            ", {:.1} MB of YAML (front matter and {yaml_files} files)",
            yaml_bytes as f64 / 1e6
        )
    } else {
        String::new()
    };
    eprintln!(
        "floor: {} pages, {:.1} MB of HTML{with_yaml} in {:.3} s",
        files.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}
