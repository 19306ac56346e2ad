//! `handbook init DIR`: a new handbook that builds at once, with no copy of
//! the theme (the default theme is embedded in the binary).

use std::path::Path;

use crate::config::io_diag;
use crate::diag::{Diagnostic, Severity};
use crate::fsx;

const BOOK_TOML: &str = r##"# The handbook's settings. Every key is documented in the README.

# Shown in every page header and in the browser tab.
title = "My Handbook"
description = "Training material for our team leads."
organisation = "Example Org"
# Sets <html lang> and the search stemmer ("en", "de", "fr", ...).
language = "en"
# Optional: where the site will be published. The site works without it,
# from any folder, from a web server, or opened straight from disk.
# base-url = "https://training.example.org/handbook/"

# "default" is built in. To customise, create themes/NAME/templates/ with
# only the templates you change, and set theme = "NAME".
theme = "default"
# Where `handbook build` writes the site.
output-dir = "site"

[branding]
# logo = "logo.svg"        # path relative to this file
accent-color = "#2f6f4e"   # #rgb or #rrggbb

[markdown]
# Raw HTML in Markdown is shown as text unless you trust every author.
allow-html = false
smart-punctuation = true

[search]
enabled = true
# stemmer = "none"          # defaults to the language above

[build]
# Lessons with `draft: true` are left out unless this is true.
drafts = false
# Add "facilitator" to also build the facilitator edition into site-facilitator/.
editions = ["participant"]
"##;

const HOME: &str = "---\ntitle: My Handbook\nsummary: What this handbook is for.\n---\n\nWelcome. Start with [the first chapter](01-getting-started/index.md).\n";

const CHAPTER: &str = "---\ntitle: Getting Started\nsummary: The first chapter.\n---\n\nEach folder under `content/` is a chapter; its `index.md` holds the title and this introduction.\n";

const LESSON: &str = r#"---
title: Your First Lesson
summary: A lesson is a Markdown file with front matter.
duration: 15
objectives:
  - Write a lesson in Markdown
tags: [example]
---

## Writing lessons

Lessons are ordered by the number their file name starts with.

> [!TIP]
> Callouts use GitHub's syntax: NOTE, TIP, IMPORTANT, WARNING and CAUTION.

> [!FACILITATOR]
> This callout appears only in the facilitator edition.

{{ exercise: first-exercise }}
"#;

const EXERCISE: &str = r#"# yaml-language-server: $schema=../../exercise.schema.json
id: first-exercise
title: Your First Exercise
lesson: getting-started/first-lesson
kind: reflection
duration: 10
group: solo
difficulty: introductory
objectives:
  - Notice one thing you want to change
steps:
  - minutes: 5
    text: Write down one thing that went well this week.
  - minutes: 5
    text: Write down one thing you would do differently.
debrief:
  - What surprised you?
facilitator_notes: |
  Give people quiet time before anyone shares.
"#;

/// What [`init`] did to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    Created,
    /// An existing file (`.gitignore`) that gained lines.
    Updated,
}

/// Creates a handbook in `dir`; refuses to overwrite an existing one.
/// Returns each file written, with whether it is new.
pub fn init(dir: &Path) -> Result<Vec<(String, Made)>, Diagnostic> {
    if dir.exists() && !dir.is_dir() {
        return Err(Diagnostic::file(
            Severity::Error,
            dir.display().to_string(),
            "this is a file, not a folder",
        )
        .with_hint("name a new or empty folder for the handbook"));
    }
    if dir.join("book.toml").exists() {
        return Err(Diagnostic::file(
            Severity::Error,
            dir.join("book.toml").display().to_string(),
            "a handbook already exists here",
        )
        .with_hint("choose an empty folder, or edit the existing handbook"));
    }
    if dir.join("content").exists() {
        return Err(Diagnostic::file(
            Severity::Error,
            dir.join("content").display().to_string(),
            "a content folder already exists here",
        )
        .with_hint("choose an empty folder"));
    }
    let files = [
        ("book.toml", BOOK_TOML.to_string()),
        ("content/index.md", HOME.to_string()),
        ("content/01-getting-started/index.md", CHAPTER.to_string()),
        (
            "content/01-getting-started/01-first-lesson.md",
            LESSON.to_string(),
        ),
        (
            "content/01-getting-started/first-exercise.exercise.yaml",
            EXERCISE.to_string(),
        ),
        ("exercise.schema.json", crate::exercise::json_schema()),
        (".gitignore", "/site/\n/site-facilitator/\n".to_string()),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fsx::create_dir_all(parent).map_err(io_diag)?;
        }
        // A file that is already there is the user's: never replaced. An
        // existing .gitignore gets only the lines it lacks.
        let (text, made) = match std::fs::read_to_string(&path) {
            Err(_) if !fsx::exists_no_follow(&path) => (text, Made::Created),
            Ok(old) if rel == ".gitignore" => {
                let missing: String = (text.lines())
                    .filter(|l| !old.lines().any(|o| o.trim() == *l))
                    .map(|l| format!("{l}\n"))
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let sep = if old.is_empty() || old.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                (format!("{old}{sep}{missing}"), Made::Updated)
            }
            _ => continue,
        };
        fsx::write(&path, text.as_bytes()).map_err(io_diag)?;
        written.push((rel.to_string(), made));
    }
    Ok(written)
}
