//! The benchmark's floor: the least work any generator must do with a
//! handbook's Markdown. It reads every `.md` file under `DIR/content`, drops
//! the YAML front matter, converts the body with pulldown-cmark (the
//! handbook's Markdown options) and writes one HTML file per page, in
//! parallel with rayon. No templates, navigation, exercises or search.
//!
//! ```text
//! cargo run --release --example floor -- DIR --out OUT
//! ```

use std::path::{Path, PathBuf};
use std::time::Instant;

use pulldown_cmark::{html, Parser};
use rayon::prelude::*;

fn die(msg: &str) -> ! {
    eprintln!("floor: {msg}");
    std::process::exit(2)
}

/// The Markdown after a leading `---` front-matter block.
fn body(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text;
    };
    match rest.find("\n---\n") {
        Some(i) => &rest[i + 5..],
        None => text,
    }
}

fn main() {
    let mut dir: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => {
                out = Some(
                    args.next()
                        .unwrap_or_else(|| die("--out needs a value"))
                        .into(),
                )
            }
            "-h" | "--help" => {
                println!("floor DIR --out OUT   (DIR holds content/)");
                return;
            }
            _ if dir.is_none() => dir = Some(a.into()),
            _ => die(&format!("unexpected argument `{a}`")),
        }
    }
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    let out = out.unwrap_or_else(|| die("--out OUT is required"));
    let content = dir.join("content");
    let started = Instant::now();

    let files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().strip_prefix(&content).unwrap().to_path_buf())
        .collect();
    let mut dirs: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        std::fs::create_dir_all(out.join(d))
            .unwrap_or_else(|e| die(&format!("{}: {e}", d.display())));
    }
    // The handbook's own extensions, with smart punctuation as the
    // benchmark's book.toml has it.
    let opts = handbook::markdown::parser_options(&handbook::config::MarkdownOptions {
        allow_html: false,
        smart_punctuation: true,
    });
    let bytes: u64 = files
        .par_iter()
        .map(|rel| {
            let text = std::fs::read_to_string(content.join(rel))
                .unwrap_or_else(|e| die(&format!("{}: {e}", rel.display())));
            let md = body(&text);
            let mut html_out = String::with_capacity(md.len() * 3 / 2);
            html::push_html(&mut html_out, Parser::new_ext(md, opts));
            let dest = out.join(rel).with_extension("html");
            std::fs::write(&dest, &html_out)
                .unwrap_or_else(|e| die(&format!("{}: {e}", dest.display())));
            html_out.len() as u64
        })
        .sum();
    eprintln!(
        "floor: {} pages, {:.1} MB of HTML in {:.3} s",
        files.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}
