//! Bad input: every case gets one located message with a hint, exit code 1,
//! and never a panic.

mod fixture;

use fixture::Book;
use std::path::Path;

fn broken(rel: &str, text: impl AsRef<[u8]>) -> fixture::Run {
    Book::new().file(rel, text).build().fails(1)
}

#[test]
fn bom_and_crlf_build_exactly_like_lf() {
    let lf = "---\ntitle: Same\nsummary: \"x\"\n---\n## Heading\n\nText with [link](other.md#part).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    let other = "---\ntitle: Other\n---\n## Part\n";
    let a = Book::new()
        .file("content/same.md", lf)
        .file("content/other.md", other);
    let b = Book::new()
        .file(
            "content/same.md",
            format!("\u{feff}{}", lf.replace('\n', "\r\n")),
        )
        .file("content/other.md", other.replace('\n', "\r\n"));
    a.build().ok().no_warnings();
    b.build().ok().no_warnings();
    assert_eq!(a.snapshot(), b.snapshot());
    // Errors in CRLF files still point at the right line and column.
    broken("content/x.md", "---\r\ntitle: X\r\nsumary: y\r\n---\r\n").says(&[
        "content/x.md:3:1",
        "unknown key `sumary`",
        "did you mean `summary`?",
    ]);
}

#[test]
fn front_matter_never_closed() {
    broken("content/x.md", "---\ntitle: X\n\n# Body\n").says(&[
        "content/x.md:1:1",
        "front matter is never closed",
        "hint: add a line containing only `---`",
    ]);
}

#[test]
fn missing_and_empty_front_matter() {
    broken("content/x.md", "# Just a body\n").says(&[
        "content/x.md:1:1",
        "missing front matter",
        "title",
    ]);
    broken("content/x.md", "---\n---\nBody\n").says(&[
        "content/x.md:1:1",
        "front matter is empty",
        "hint: add at least `title:",
    ]);
    broken("content/x.md", "---\nsummary: s\n---\n")
        .says(&["content/x.md", "missing required key `title`"]);
}

#[test]
fn tabs_in_yaml() {
    broken("content/x.md", "---\ntitle: X\ntags:\n\t- a\n---\n").says(&[
        "content/x.md:4:1",
        "tab character in YAML indentation",
        "use spaces",
    ]);
}

#[test]
fn unknown_misspelled_mistyped_and_duplicate_keys() {
    broken("content/x.md", "---\ntitle: X\ncolour: red\n---\n").says(&[
        "content/x.md:3:1",
        "unknown key `colour`",
        "valid keys here are",
    ]);
    broken("content/x.md", "---\ntitle: X\nobjectivs: [a]\n---\n").says(&[
        "content/x.md:3:1",
        "unknown key `objectivs`",
        "did you mean `objectives`?",
    ]);
    broken("content/x.md", "---\ntitle: X\nduration: soon\n---\n")
        .says(&["content/x.md:3:11", "`duration`: invalid type"]);
    broken("content/x.md", "---\ntitle: X\nduration: -5\n---\n")
        .says(&["content/x.md:3:11", "expected a whole number"]);
    broken("content/x.md", "---\ntitle: X\nsummary: a\ntitle: Y\n---\n")
        .says(&["content/x.md:4:1", "duplicate key `title`"]);
    // book.toml too.
    Book::new()
        .file(
            "book.toml",
            "title = \"T\"\n[branding]\naccent-colour = \"#fff\"\n",
        )
        .build()
        .fails(1)
        .says(&[
            "book.toml:3:1",
            "unknown key `accent-colour`",
            "did you mean `accent-color`?",
        ]);
    Book::new()
        .file("book.toml", "title = \"T\"\ntitel = \"U\"\n")
        .build()
        .fails(1)
        .says(&["book.toml:2:1", "did you mean `title`?"]);
    Book::new()
        .file("book.toml", "title = 5\n")
        .build()
        .fails(1)
        .says(&["book.toml:1:9", "invalid type"]);
}

#[test]
fn invalid_utf8_names_file_and_byte_offset() {
    broken(
        "content/x.md",
        b"---\ntitle: X\n---\nabc\xff\xfe\n".to_vec(),
    )
    .says(&["content/x.md:4:4", "invalid UTF-8 at byte offset 20"]);
}

#[test]
fn two_sources_with_one_output_path() {
    Book::new()
        .lesson("01-intro.md", "A", "")
        .lesson("02-intro.md", "B", "")
        .build()
        .fails(1)
        .says(&["both produce `intro.html`", "rename one"]);
    Book::new()
        .lesson("Intro.md", "A", "")
        .lesson("intro.md", "B", "")
        .build()
        .fails(1)
        .says(&["both produce", "ignore case"]);
    // The same name saved twice, its accent composed and decomposed: not
    // "`café.md` and `café.md`", which reads as one file.
    Book::new()
        .lesson("caf\u{e9}.md", "A", "")
        .lesson("cafe\u{301}.md", "B", "")
        .build()
        .fails(1)
        .says(&[
            "`content/caf\u{e9}.md` is there twice, its accents encoded two ways",
            "keep one of the two files",
        ]);
    Book::new()
        .chapter("exercises", "Clash")
        .build()
        .fails(1)
        .says(&["content/exercises/index.md", "a path the generator uses"]);
}

#[cfg(unix)]
#[test]
fn symlink_loop_and_dangling_symlink() {
    let book = Book::new();
    std::fs::create_dir_all(book.path().join("content/ch")).unwrap();
    std::os::unix::fs::symlink("..", book.path().join("content/ch/loop")).unwrap();
    std::os::unix::fs::symlink("gone.md", book.path().join("content/dangling.md")).unwrap();
    // Two file links that lead to each other: a loop, not a missing file.
    std::os::unix::fs::symlink("b.md", book.path().join("content/a.md")).unwrap();
    std::os::unix::fs::symlink("a.md", book.path().join("content/b.md")).unwrap();
    let run = book.build().fails(1).says(&[
        "content/a.md",
        "symlink loop: its target `b.md` leads back round to links, never to a file",
        "content/ch/loop",
        "symlink loop",
        "content/dangling.md",
        "dangling symlink",
        "`gone.md` does not exist",
    ]);
    assert_eq!(
        run.stderr.matches("dangling symlink").count(),
        1,
        "{}",
        run.stderr
    );
}

/// A page that cannot be read is one error: the links, exercises and
/// workshop sessions that name it still find it.
#[test]
fn an_unreadable_page_is_one_error() {
    let run = Book::new()
        .file(
            "content/secret.md",
            b"---\ntitle: S\n---\n\xff\xfe\n".as_slice(),
        )
        .lesson("other.md", "Other", "See [the secret](secret.md).\n")
        .file(
            "content/listen.exercise.yaml",
            "id: listen\ntitle: L\nlesson: secret\nkind: discussion\nduration: 5\n",
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - lesson: secret\n    duration: 10\n",
        )
        .check()
        .fails(1)
        .says(&["content/secret.md", "check failed: 1 error\n"]);
    assert!(!run.stderr.contains("no lesson"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let book = Book::new();
    let path = book.path().join("content/secret.md");
    std::fs::write(&path, "---\ntitle: S\n---\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = if unsafe_is_root() {
        // Root reads any file regardless of its mode: check as `nobody`.
        std::fs::set_permissions(book.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = std::process::Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                fixture::BIN,
            ])
            .args(["check", "."])
            .current_dir(book.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run setpriv");
        fixture::Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    } else {
        book.check()
    };
    run.fails(1)
        .says(&["content/secret.md", "could not read", "hint:"]);
}

/// A symbolic link in content/ that leads out of the handbook folder is
/// refused (it would publish what it reaches); one that stays inside is
/// followed.
#[cfg(unix)]
#[test]
fn links_out_of_the_handbook_are_refused() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("a.txt"), "outside").unwrap();
    let book = Book::new()
        .file("notes/shared.txt", "inside")
        .lesson("01-a.md", "A", "");
    let link = |target: &Path, rel: &str| {
        std::os::unix::fs::symlink(target, book.path().join(rel)).unwrap()
    };
    link(Path::new("/etc/passwd"), "content/passwd.txt");
    link(elsewhere.path(), "content/outside");
    link(Path::new("../notes/shared.txt"), "content/shared.txt");
    let run = book.build().fails(1).says(&[
        "symbolic link leads outside the handbook folder, to `/etc/passwd`",
        "--> content/passwd.txt",
        "--> content/outside",
        "copy the file into the handbook",
    ]);
    assert_eq!(run.stderr.matches("error:").count(), 2, "{}", run.stderr);
    assert!(!book.exists("passwd.txt"));
    book.remove("content/passwd.txt");
    std::fs::remove_file(book.path().join("content/outside")).unwrap();
    book.build().ok();
    assert_eq!(
        std::fs::read_to_string(book.out("shared.txt")).unwrap(),
        "inside"
    );
}

fn unsafe_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

#[test]
fn deeply_nested_blockquote_does_not_overflow() {
    let deep = format!("---\ntitle: Deep\n---\n{} end\n", ">".repeat(100_000));
    let book = Book::new().file("content/deep.md", deep);
    book.build().ok();
    assert!(book.page("deep.html").matches("<blockquote>").count() >= 100_000);
}

#[test]
fn broken_links_and_anchors_are_located() {
    let book = Book::new()
        .lesson("a.md", "A", "## Real heading\n\nGo [there](b.md#nowhere) and [here](#real-headng) and [gone](c.md).\n")
        .lesson("b.md", "B", "## Somewhere\n");
    book.build().fails(1).says(&[
        "content/a.md:6:4",
        "no heading `#nowhere` in `content/b.md`",
        "did you mean `#somewhere`?",
        "content/a.md:6:30",
        "no heading `#real-headng`",
        "did you mean `#real-heading`?",
        "content/a.md:6:55",
        "link to missing file `c.md`",
        "3 errors",
    ]);
}

/// A theme, logo or stylesheet that book.toml names and that is not there
/// is reported in the same run as the content's problems, each at its
/// value in book.toml.
#[test]
fn missing_files_book_toml_names_are_reported_with_the_content() {
    let run = Book::new()
        .file(
            "book.toml",
            "title = \"T\"\ntheme = \"house\"\n[branding]\nlogo = \"images/logo.svg\"\nextra-css = [\"brand.css\"]\n",
        )
        .file("content/a.md", "No front matter.\n")
        .check()
        .fails(1)
        .says(&[
            "book.toml:2:9",
            "theme `house` not found",
            "book.toml:4:8",
            "cannot read the logo",
            "book.toml:5:14",
            "the stylesheet `brand.css` does not exist",
            "content/a.md:1:1",
            "check failed: 4 errors",
        ]);
    assert_eq!(errors(&run), 4, "{}", run.stderr);
}

/// A link or image whose address has a space is not made by Markdown: a
/// warning says so and how to write it, instead of text shown as written
/// and a file never checked.
#[test]
fn an_address_with_a_space_is_a_warning() {
    let book = Book::new()
        .file("content/my images/chart one.png", b"\x89PNG".as_slice())
        .lesson(
            "a.md",
            "A",
            "See ![chart](my images/chart one.png), [a title](b.md \"B b\") and [note] (see).\n\n![ok](<my images/chart one.png>)\n",
        )
        .lesson("b.md", "B", "");
    let run = book.build().ok().says(&[
        "content/a.md:4:13",
        "this link or image is shown as text: its address has a space",
        "hint: write the address in angle brackets, `(<my images/chart one.png>)`, or with `%20` for each space: `(my%20images/chart%20one.png)`",
    ]);
    assert_eq!(run.stderr.matches("warning:").count(), 1, "{}", run.stderr);
    // Written in angle brackets, the same address is an image.
    let page = book.main("a.html");
    assert!(page.contains(r#"chart%20one.png" alt="ok""#), "{page}");
}

/// A page linked as other generators link it, by its address or with no
/// extension, gets its Markdown file as the hint.
#[test]
fn a_link_by_page_address_is_pointed_at_the_markdown_file() {
    let book = Book::new()
        .chapter("01-ch", "Chapter")
        .lesson(
            "01-ch/01-a.md",
            "A",
            "See [B](sbi-model.html), [again](02-sbi-model#situation) and [C](../02-other/c.html).\n",
        )
        .lesson("01-ch/02-sbi-model.md", "B", "## Situation\n")
        .chapter("02-other", "Other")
        .lesson("02-other/01-c.md", "C", "");
    let run = book.build().fails(1).says(&[
        "link to missing file `sbi-model.html`",
        "hint: link to the page's Markdown file: `02-sbi-model.md`",
        "link to missing file `02-sbi-model`",
        "link to missing file `../02-other/c.html`",
        "hint: link to the page's Markdown file: `../02-other/01-c.md`",
        "3 errors",
    ]);
    // Both links to B, by address and without an extension, get the hint.
    let hint = "hint: link to the page's Markdown file: `02-sbi-model.md`";
    assert_eq!(run.stderr.matches(hint).count(), 2, "{}", run.stderr);
}

/// A workshop plan with a mistake is one error: its page is known from its
/// path, so a link to the plan is not also a link to a missing file.
#[test]
fn a_broken_workshop_plan_does_not_break_links_to_it() {
    let run = Book::new()
        .file(
            "content/a.md",
            "---\ntitle: A\n---\nSee [the day](workshops/day.yaml), [the week](workshops/week.yaml) and [a month](workshops/month.yaml).\n",
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: 9am\nsessions:\n  - activity: Welcome\n    duration: 10\n",
        )
        .file(
            "content/workshops/week.yaml",
            "title: Week\nstart: \"09:00\"\nsesions: []\n",
        )
        .check()
        .fails(1)
        .says(&[
            "content/workshops/day.yaml:2:",
            "`9am` is not a time",
            "content/workshops/week.yaml:3:1",
            "unknown key `sesions`",
            "content/a.md:4:",
            "link to missing file `workshops/month.yaml`",
        ]);
    assert!(
        !run.stderr.contains("`workshops/day.yaml`"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("`workshops/week.yaml`"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("error:").count(), 3, "{}", run.stderr);
}

/// A draft is left out of a build, but a link to it is no missing file:
/// the error says it is a draft, and suggests no other page.
#[test]
fn a_link_to_a_draft_says_it_is_a_draft() {
    let book = Book::new()
        .chapter("ch", "Chapter")
        .lesson("ch/a.md", "A", "See [b](b.md#part) and [c](c.md).\n")
        .file(
            "content/ch/b.md",
            "---\ntitle: B\ndraft: true\n---\n## Part\n",
        )
        .lesson("ch/c.md", "C", "");
    let run = book.build().fails(1).says(&[
        "content/ch/a.md:4:5",
        "link to `b.md`, a draft left out of this build",
        "hint: remove `draft: true` from `content/ch/b.md`, or include drafts with `--drafts`",
        "1 error",
    ]);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
    book.run(&["build", ".", "--drafts"]).ok();
    // The hint holds for `check` too.
    book.check()
        .fails(1)
        .says(&["content/ch/a.md:4:5", "or include drafts with `--drafts`"]);
    book.run(&["check", ".", "--drafts"]).ok();
}

/// A chapter whose index.md is a draft is left out whole, sub-chapters
/// included; a link into it names the file to change. The home page
/// cannot be a draft.
#[test]
fn a_draft_chapter_is_left_out_whole() {
    let book = Book::new()
        .file(
            "content/new/index.md",
            "---\ntitle: New chapter\ndraft: true\n---\n",
        )
        .lesson("new/a.md", "A", "")
        .chapter("new/deeper", "Deeper")
        .lesson("new/deeper/b.md", "B", "")
        .lesson("other.md", "Other", "");
    book.build().ok().no_warnings();
    assert!(!book.exists("new/index.html"));
    assert!(!book.exists("new/a.html"));
    assert!(!book.exists("new/deeper/b.html"));
    assert!(book.exists("other.html"));
    book.write(
        "content/other.md",
        "---\ntitle: Other\n---\nSee [b](new/deeper/b.md).\n",
    );
    book.build().fails(1).says(&[
        "content/other.md:4:5",
        "link to `new/deeper/b.md`, a draft left out of this build",
        "hint: remove `draft: true` from `content/new/index.md`, or include drafts with `--drafts`",
    ]);
    book.run(&["build", ".", "--drafts"]).ok();
    assert!(book.exists("new/deeper/b.html"));
    book.write("content/index.md", "---\ntitle: Home\ndraft: true\n---\n");
    book.build()
        .fails(1)
        .says(&["content/index.md", "the home page is marked `draft: true`"]);
}

#[test]
fn every_error_is_reported_in_one_run() {
    let book = Book::new()
        .file("content/a.md", "---\ntitle: A\nbogus: 1\n---\n")
        .file("content/b.md", "---\ntitle: B\n")
        .lesson("c.md", "C", "[x](missing.md)\n")
        .file(
            "content/d.exercise.yaml",
            "id: d\ntitle: D\nlesson: nope\nkind: quiz\nduration: 5\n",
        );
    book.build().fails(1).says(&[
        "content/a.md:3:1",
        "content/b.md:1:1",
        "content/c.md:4:1",
        "content/d.exercise.yaml:3:9",
        "errors",
    ]);
}

#[test]
fn missing_home_page_and_chapter_index() {
    Book::empty()
        .file("book.toml", fixture::MIN_TOML)
        .file("content/a.md", "---\ntitle: A\n---\n")
        .build()
        .fails(1)
        .says(&["content/index.md", "home page"]);
    Book::new()
        .lesson("ch/a.md", "A", "")
        .build()
        .fails(1)
        .says(&["content/ch", "no index.md"]);
    // One missing folder is one error, not also a missing home page.
    Book::empty()
        .file("book.toml", fixture::MIN_TOML)
        .build()
        .fails(1)
        .says(&["there is no content folder", "build failed: 1 error\n"]);
}

#[test]
fn theme_errors_are_located() {
    Book::new()
        .file("book.toml", "title = \"T\"\ntheme = \"fancy\"\n")
        .build()
        .fails(1)
        .says(&["book.toml:2:9", "theme `fancy` not found"]);
    Book::new()
        .file("themes/default/templates/lesson.html", "<p>\n{% if %}")
        .lesson("a.md", "A", "")
        .build()
        .fails(1)
        .says(&["themes/default/templates/lesson.html:2:7", "1 error"]);
}

/// A handbook with theme `house` holding `templates`, and two lessons.
fn house(templates: &[(&str, &str)]) -> Book {
    let mut book = Book::new()
        .file("book.toml", "title = \"T\"\ntheme = \"house\"\n")
        .lesson("a.md", "A", "")
        .lesson("b.md", "B", "");
    for (name, text) in templates {
        book = book.file(&format!("themes/house/templates/{name}"), text);
    }
    book
}

/// The number of diagnostics a run printed.
fn errors(run: &fixture::Run) -> usize {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("error"))
        .count()
}

/// A template that fails on every page is one error, at the file the
/// user can open and the line of the failing expression, with a hint
/// naming what the template can use there.
#[test]
fn a_template_error_is_one_error_at_its_file_and_line() {
    let run = house(&[(
        "lesson.html",
        "{% extends \"default/lesson.html\" %}\n{% block objectives %}{{ page.nope }}{% endblock objectives %}\n",
    )])
    .build()
    .fails(1)
    .says(&[
        "themes/house/templates/lesson.html:2:26",
        "`page.nope` is not defined (rendering `a.html` and 1 more page)",
        "hint: `page` has no `nope`; it has: breadcrumbs, children,",
        "1 error",
    ]);
    assert_eq!(errors(&run), 1, "{}", run.stderr);
    // A misspelt field: the hint suggests the right one.
    house(&[("404.html", "<h1>{{ site.titel }}</h1>")])
        .build()
        .fails(1)
        .says(&[
            "themes/house/templates/404.html:1:8",
            "`site.titel` is not defined (rendering `404.html`)",
            "did you mean `site.title`?",
        ]);
    // In a parent template, outside the rendered one: that file is named.
    house(&[(
        "base.html",
        "{% import \"macros.html\" as m %}<main>{% block main %}{% endblock main %}</main>\n<footer>{{ site.organization }}</footer>\n",
    )])
    .build()
    .fails(1)
    .says(&[
        "themes/house/templates/base.html:2:12",
        "`site.organization` is not defined (rendering `index.html` and 6 more pages)",
        "did you mean `site.organisation`?",
        "1 error",
    ]);
    // Without the import the built-in pages rely on: one error, there.
    house(&[(
        "base.html",
        "<main>{% block main %}{% endblock main %}</main>",
    )])
    .build()
    .fails(1)
    .says(&[
        "themes/house/templates/base.html",
        "the templates that extend this one call macros as `m`, which it does not import",
        "hint: add `{% import \"macros.html\" as m %}` at its top",
        "1 error",
    ]);
    // Macro calls are checked before any page is rendered.
    house(&[(
        "lesson.html",
        "{% extends \"default/lesson.html\" %}\n{% block objectives %}{{ m::objectivs(items=page.objectives) }}{{ m::toc() }}{% endblock objectives %}",
    )])
    .build()
    .fails(1)
    .says(&[
        "themes/house/templates/lesson.html:2:26",
        "no macro `objectivs` in `macros.html`",
        "did you mean `m::objectives`?",
        "themes/house/templates/lesson.html:2:67",
        "`m::toc` is called without `items`",
        "the macro is `toc(items)`",
        "2 errors",
    ]);
    house(&[("404.html", "{{ page | uper }}")])
        .build()
        .fails(1)
        .says(&[
            "themes/house/templates/404.html:1:11",
            "unknown filter `uper`",
            "did you mean `upper`?",
        ]);
}

/// Every template with a syntax error is reported, each at the line and
/// column Tera's parser gives.
#[test]
fn template_syntax_errors_are_at_their_line_and_column() {
    let run = house(&[
        (
            "404.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ site.title </p>\n{% endblock main %}\n",
        ),
        ("search.html", "{% for x in %}{% endfor %}"),
    ])
    .build()
    .fails(1)
    .says(&[
        "themes/house/templates/404.html:3:19",
        "template syntax: expected",
        "themes/house/templates/search.html:1:13",
        "2 errors",
    ]);
    assert!(!run.stderr.contains("Failed to parse"), "{}", run.stderr);
}

/// A theme's `macros.html` replaces the built-in one; one that lacks
/// macros the templates call is one error at that file, not one per
/// page or template that calls them.
#[test]
fn an_incomplete_macros_file_is_one_error_at_that_file() {
    let run = house(&[("macros.html", "{% macro toc(items) %}{% endmacro toc %}")])
        .build()
        .fails(1)
        .says(&[
            "themes/house/templates/macros.html",
            "the theme's templates call macros this file lacks: `all_pages`, `breadcrumbs`,",
            "start from a copy of the built-in file",
            "1 error",
        ]);
    assert!(!run.stderr.contains("`toc`"), "{}", run.stderr);
    assert_eq!(errors(&run), 1, "{}", run.stderr);
    // A built-in macro given other arguments: one error, at its definition.
    let built_in = include_str!("../themes/default/templates/macros.html");
    let changed = built_in.replace("macro lesson_meta(page)", "macro lesson_meta(lesson)");
    let run = house(&[("macros.html", &changed)]).build().fails(1).says(&[
        "themes/house/templates/macros.html:30:10",
        "macro `lesson_meta` needs `lesson`, which the theme's templates do not pass",
        "the built-in macro is `lesson_meta(page)`",
    ]);
    assert_eq!(errors(&run), 1, "{}", run.stderr);
}

/// The header's search filters are rendered once for every page: a
/// mistake in the theme's `search_filters` macro is one error, at its line
/// in `macros.html`, and only when the handbook has search.
#[test]
fn a_mistake_in_the_search_filters_is_one_error_at_the_macro() {
    let built_in = include_str!("../themes/default/templates/macros.html");
    let line = built_in
        .lines()
        .position(|l| l.contains("<option value=\"\">Everything</option>"))
        .unwrap()
        + 1;
    let changed = built_in.replace(
        "<option value=\"\">Everything</option>",
        "<option value=\"\">{{ everything }}</option>",
    );
    let run = house(&[("macros.html", &changed)]).build().fails(1).says(&[
        &format!("themes/house/templates/macros.html:{line}:23"),
        "`everything` is not defined (rendering the search filters of every page)",
        "1 error",
    ]);
    assert_eq!(errors(&run), 1, "{}", run.stderr);
    // Rendered once, they cannot use what differs from page to page.
    let rooted = built_in.replace(
        "<option value=\"\">Everything</option>",
        "<option value=\"{{ root }}\">Everything</option>",
    );
    house(&[("macros.html", &rooted)]).build().fails(1).says(&[
        &format!("themes/house/templates/macros.html:{line}:21"),
        "`root` is not defined (rendering the search filters of every page)",
        "hint: `root` differs from page to page, and this is rendered once for every page: it can use `site` only",
        "1 error",
    ]);
    // Without search the filters are not rendered.
    house(&[("macros.html", &changed)])
        .file(
            "book.toml",
            "title = \"T\"\ntheme = \"house\"\n[search]\nenabled = false\n",
        )
        .build()
        .ok();
}

/// Extending a template by its own name is a loop; the hint names the
/// built-in template, which is what was meant.
#[test]
fn a_template_that_extends_itself_points_to_the_built_in_one() {
    house(&[("lesson.html", "{% extends \"lesson.html\" %}")])
        .build()
        .fails(1)
        .says(&[
            "themes/house/templates/lesson.html:1:12",
            "`lesson.html` extends itself",
            "write `{% extends \"default/lesson.html\" %}`",
        ]);
    house(&[("lesson.html", "{% extends \"default/lessons.html\" %}")])
        .build()
        .fails(1)
        .says(&[
            "themes/house/templates/lesson.html:1:12",
            "no template `default/lessons.html` to extend",
            "did you mean `default/lesson.html`?",
        ]);
}

/// A broken link to an image, an exercise file or a renamed lesson, and a
/// lesson id left behind by a rename, get the closest file or id as a
/// hint, as links to lessons do.
#[test]
fn missing_files_and_ids_get_the_closest_one_as_a_hint() {
    let run = Book::new()
        .chapter("01-ch", "Ch")
        .lesson(
            "01-ch/02-sbi.md",
            "SBI",
            "![model](image/sbi.png)\n\n[drill](sbi-drll.exercise.yaml)\n",
        )
        .lesson("01-ch/03-other.md", "Other", "[back](02-sbi-model.md)\n")
        .file("content/01-ch/images/sbi.png", b"\x89PNG fake")
        .file(
            "content/01-ch/sbi-drill.exercise.yaml",
            "id: sbi-drill\ntitle: Drill\nlesson: ch/sbi-model\nkind: discussion\nduration: 10\n",
        )
        .build()
        .fails(1);
    run.says(&[
        "content/01-ch/02-sbi.md:4:1",
        "did you mean `images/sbi.png`?",
        "content/01-ch/02-sbi.md:6:1",
        "did you mean `sbi-drill.exercise.yaml`?",
        "content/01-ch/03-other.md:4:1",
        "did you mean `02-sbi.md`?",
        "content/01-ch/sbi-drill.exercise.yaml:3:",
        "did you mean `ch/sbi`?",
    ]);
}

/// A mistake in one page's front matter is one error: links to that page
/// and its exercises still resolve, and its body is still checked.
#[test]
fn a_broken_front_matter_does_not_break_links_to_its_page() {
    let run = Book::new()
        .file(
            "content/a.md",
            "---\ntitle: A\n---\nSee [b](02-b.md) and [part](02-b.md#part).\n",
        )
        .file(
            "content/02-b.md",
            "---\ntitel: B\n---\n## Part\n\nGo [nowhere](nope.md).\n",
        )
        .file(
            "content/x.exercise.yaml",
            "id: x\ntitle: X\nlesson: b\nkind: discussion\nduration: 5\n",
        )
        .check()
        .fails(1)
        .says(&["content/02-b.md:2:1", "unknown key `titel`", "nope.md"]);
    assert_eq!(run.stderr.matches("error:").count(), 2, "{}", run.stderr);
}

/// A named pipe in content/ is an error, not a build that waits for ever.
#[test]
fn a_named_pipe_in_content_is_refused() {
    let book = Book::new();
    let fifo = book.path().join("content/pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    book.check()
        .fails(1)
        .says(&["content/pipe.md", "not a regular file"]);
}

/// Escape sequences in a file never reach the terminal as they are.
#[test]
fn control_characters_in_content_are_not_sent_to_the_terminal() {
    let run = broken(
        "content/x.md",
        "---\ntitle: X\n---\nSee [x](nope.md) \u{1b}[31mred\n",
    );
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(run.stderr.contains("?[31mred"), "{}", run.stderr);
}

/// base-url is a web address (it reaches the canonical link and the 404
/// page's <base>), and an edition is listed once. Each is reported at its
/// value, not where the key's name first appears in the text (here, in
/// comments).
#[test]
fn base_url_and_editions_are_checked() {
    Book::new()
        .file(
            "book.toml",
            "# The title and editions of the handbook.\ntitle = \"T\"\nbase-url = \"javascript:alert(1)//\"\n[build]\neditions = [\"participant\", \"participant\"]\n",
        )
        .check()
        .fails(1)
        .says(&[
            "book.toml:3:12",
            "is not a web address",
            "book.toml:5:28",
            "the participant edition is listed twice",
        ]);
    Book::new()
        .file(
            "book.toml",
            "# The title and editions of the handbook.\ntitle = \" \"\n[build] # editions\neditions = []\n",
        )
        .check()
        .fails(1)
        .says(&[
            "book.toml:2:9",
            "the title is empty",
            "book.toml:4:12",
            "no edition to build",
        ]);
}

/// Every problem in a front matter is reported in one run, each at its
/// own key, not only the first one.
#[test]
fn every_problem_in_a_front_matter_is_reported() {
    broken(
        "content/x.md",
        "---\ntitle: X\nduraton: 10\ntag: [x]\nsumary: y\norder: first\n---\n",
    )
    .says(&[
        "content/x.md:3:1",
        "unknown key `duraton`",
        "did you mean `duration`?",
        "content/x.md:4:1",
        "unknown key `tag`",
        "did you mean `tags`?",
        "content/x.md:5:1",
        "unknown key `sumary`",
        "did you mean `summary`?",
        "content/x.md:6:8",
        "`order`: invalid type: string \"first\"",
        "build failed: 4 errors",
    ]);
    // A misspelt title is one problem, not also a missing title.
    let run = broken("content/x.md", "---\ntitel: X\nduration: x\n---\n").says(&[
        "content/x.md:2:1",
        "did you mean `title`?",
        "content/x.md:3:11",
        "build failed: 2 errors",
    ]);
    assert!(!run.stderr.contains("missing"), "{}", run.stderr);
    // The values that were read get their own checks in the same run.
    broken(
        "content/x.md",
        "---\ntitle: \"  \"\nduration: 0\ntags: 5\n---\n",
    )
    .says(&[
        "content/x.md:2:8",
        "the title is empty",
        "content/x.md:3:11",
        "duration must be at least 1 minute",
        "content/x.md:4:7",
        "`tags`: invalid type",
        "build failed: 3 errors",
    ]);
    // A value with an error of its own is not checked again.
    broken("content/x.md", "---\ntitle: [a]\nduration: x\n---\n").says(&["build failed: 2 errors"]);
}

/// Every required key a file lacks is named in one run, not one per run;
/// one there with a bad value, or misspelt, is not also missing.
#[test]
fn every_missing_required_key_is_reported() {
    let run = broken(
        "content/x.exercise.yaml",
        "id: x\ntitel: X\nduration: soon\nobjectives: [a]\n",
    )
    .says(&[
        "content/x.exercise.yaml:1:1",
        "missing required key `lesson`",
        "missing required key `kind`",
        "add a line `kind: …`",
        "content/x.exercise.yaml:2:1",
        "did you mean `title`?",
        "content/x.exercise.yaml:3:11",
        "build failed: 4 errors",
    ]);
    assert!(!run.stderr.contains("`title`\n"), "{}", run.stderr);
    assert!(!run.stderr.contains("key `duration`"), "{}", run.stderr);
    broken("content/workshops/day.yaml", "description: A day\n").says(&[
        "content/workshops/day.yaml:1:1",
        "missing required key `title`",
        "missing required key `start`",
        "missing required key `sessions`",
        "build failed: 3 errors",
    ]);
    // Inside a list item too: a quiz question without its choices and
    // its answer names both, and a complete question beside it nothing.
    let run = broken(
        "content/x.exercise.yaml",
        "id: x\ntitle: X\nlesson: l\nkind: quiz\nduration: 5\nquestions:\n  - question: Q\n  - question: R\n    choices: [a, b]\n    answer: 1\n  - question: S\n    choices: [a, b]\n",
    )
    .says(&[
        "content/x.exercise.yaml:7:5",
        "missing required key `choices`",
        "missing required key `answer`",
        "content/x.exercise.yaml:11:5",
    ]);
    assert_eq!(
        run.stderr.matches("missing required key").count(),
        3,
        "{}",
        run.stderr
    );
    // A document that is not a mapping is one error, not a list of keys.
    let run = broken("content/x.exercise.yaml", "- a\n- b\n").says(&["1 error"]);
    assert!(!run.stderr.contains("missing"), "{}", run.stderr);
}

/// An exercise file without its `id` is still checked as far as it was
/// read: its other problems come in the same run, not once the id is
/// there. Two such files are not duplicates of each other.
#[test]
fn an_exercise_without_an_id_is_checked_all_the_same() {
    let text = "title: X\nlesson: nowhere\nkind: quiz\nduration: 0\n";
    Book::new()
        .file("content/x.exercise.yaml", text)
        .file("content/y.exercise.yaml", text)
        .build()
        .fails(1)
        .says(&[
            "content/x.exercise.yaml:1:1",
            "missing required key `id`",
            "content/x.exercise.yaml:2:9",
            "no lesson with id `nowhere`",
            "content/x.exercise.yaml:3:7",
            "a quiz needs `questions`",
            "content/x.exercise.yaml:4:11",
            "content/y.exercise.yaml:1:1",
            "build failed: 8 errors",
        ]);
}

/// An unclosed quote is reported where it opens, not where the text ends.
#[test]
fn an_unclosed_quote_is_reported_where_it_opens() {
    broken(
        "content/x.md",
        "---\ntitle: \"Second\nduration: 10\n---\nBody\n",
    )
    .says(&[
        "content/x.md:2:8",
        "unclosed quote",
        "this quoted text is never closed",
    ]);
}

/// Every problem in book.toml is reported in one run, each at its place.
#[test]
fn every_problem_in_book_toml_is_reported() {
    Book::new()
        .file(
            "book.toml",
            "title = 42\norganization = \"x\"\n[build]\neditions = [\"participant\", \"trainer\"]\n[search]\nenabld = true\n",
        )
        .check()
        .fails(1)
        .says(&[
            "book.toml:1:9",
            "`title`: invalid type: integer `42`, expected a string",
            "book.toml:2:1",
            "unknown key `organization` in book.toml",
            "did you mean `organisation`?",
            "book.toml:4:28",
            "`editions`: unknown value `trainer`",
            "use one of `participant`, `facilitator`",
            "book.toml:6:1",
            "unknown key `enabld` in book.toml",
            "did you mean `enabled`?",
            "4 errors",
        ]);
}

/// A `language` that is not a language code is a warning (it sets
/// `<html lang>` and the search's stemmer, and a build still works); a
/// logo the browser cannot show is an error. Both at their value.
#[test]
fn language_and_logo_are_checked() {
    Book::new()
        .file("book.toml", "title = \"T\"\nlanguage = \"English\"\n")
        .build()
        .ok()
        .says(&[
            "book.toml:2:12",
            "warning: `English` is not a known language code",
            "did you mean \"en\"?",
        ]);
    Book::new()
        .file("book.toml", "title = \"T\"\nlanguage = \"fr-CA\"\n")
        .build()
        .ok()
        .no_warnings();
    let b = Book::new()
        .file(
            "book.toml",
            "title = \"T\"\nlanguage = \"xx\"\n[branding]\nlogo = \"notes.txt\"\n",
        )
        .file("notes.txt", "not an image");
    b.build().fails(1).says(&[
        "book.toml:2:12",
        "warning: `xx` is not a known language code",
        "book.toml:4:8",
        "error: the logo `notes.txt` is not an image",
        "use a .png, .jpg, .jpeg, .gif, .svg, .webp, .avif or .ico file",
    ]);
    assert!(!b.exists(""), "nothing is written");
    // An image, but outside the handbook folder: not published.
    let elsewhere = tempfile::tempdir().unwrap();
    let logo = elsewhere.path().join("logo.png");
    std::fs::write(&logo, b"\x89PNG\r\n\x1a\n").unwrap();
    Book::new()
        .file(
            "book.toml",
            format!("title = \"T\"\n[branding]\nlogo = \"{}\"\n", logo.display()),
        )
        .build()
        .fails(1)
        .says(&["book.toml:3:8", "the logo lies outside the handbook folder"]);
}

/// A file full of mistakes reports its first hundred, and says so, rather
/// than taking minutes to find them all.
#[test]
fn a_file_full_of_mistakes_reports_the_first_hundred() {
    let keys: String = (0..150).map(|i| format!("key{i}: {i}\n")).collect();
    broken("content/x.md", format!("---\ntitle: X\n{keys}---\n")).says(&[
        "content/x.md:101:1",
        "unknown key `key99`",
        "warning: only the first 100 problems in this file are reported",
        "build failed: 100 errors and 1 warning",
    ]);
}

/// Two files that produce one output path are one error, at the second:
/// a workshop naming the lesson is checked against the first, not the
/// copy.
#[test]
fn a_clashing_copy_of_a_lesson_is_one_error() {
    let run = Book::new()
        .file(
            "content/01-sbi-model.md",
            "---\ntitle: SBI\nduration: 20\n---\nText.\n",
        )
        .file(
            "content/02-SBI-Model.md",
            "---\ntitle: SBI again\n---\nText.\n",
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - lesson: sbi-model\n",
        )
        .check()
        .fails(1)
        .says(&[
            "content/02-SBI-Model.md:1:1",
            "both produce `sbi-model.html`",
        ]);
    assert_eq!(errors(&run), 1, "{}", run.stderr);
}

/// An exercise id that is not a valid one is one error, at the id: the
/// workshop and the page that place the exercise by the id it stands for
/// report nothing, and no hint ever suggests an invalid id.
#[test]
fn an_invalid_exercise_id_is_one_error() {
    let run = Book::new()
        .file(
            "content/lesson.md",
            "---\ntitle: L\n---\n{{ exercise: feedback-quiz }}\n",
        )
        .file(
            "content/quiz.exercise.yaml",
            "id: Feedback_Quiz\ntitle: Q\nlesson: lesson\nkind: discussion\nduration: 5\n",
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - exercise: feedback-quiz\n",
        )
        .check()
        .fails(1)
        .says(&[
            "content/quiz.exercise.yaml:1:5",
            "`Feedback_Quiz` is not a valid id",
            "hint: use lower-case letters, digits and dashes: `feedback-quiz`",
        ]);
    assert_eq!(errors(&run), 1, "{}", run.stderr);
    // A misspelt id is not pointed at an invalid one.
    let run = Book::new()
        .file(
            "content/lesson.md",
            "---\ntitle: L\n---\n{{ exercise: feedbak-quiz }}\n",
        )
        .file(
            "content/quiz.exercise.yaml",
            "id: Feedback_Quiz\ntitle: Q\nlesson: lesson\nkind: discussion\nduration: 5\n",
        )
        .check()
        .fails(1)
        .says(&["no exercise with id `feedbak-quiz`"]);
    assert!(
        !run.stderr.contains("did you mean `Feedback_Quiz`"),
        "{}",
        run.stderr
    );
}

/// An exercise file with mistakes of both kinds reports them in one run:
/// those that stop its parsing, and the checks of what parsed (an invalid
/// id, an answer that is not a choice). A check whose value was left out
/// for its own error reports nothing more: no "no correct answer" for a
/// bad answer, no "longer than the duration" for a bad duration, no
/// "only quizzes have questions" for a misspelt kind.
#[test]
fn every_problem_in_an_exercise_is_reported_in_one_run() {
    let run = Book::new()
        .lesson("lesson.md", "L", "")
        .file(
            "content/quiz.exercise.yaml",
            "id: Bad_Id\ntitle: Q\nlesson: lesson\nkind: quizz\nduration: \"5 min\"\n\
             steps:\n  - minutes: 10\n    text: Long step\n\
             questions:\n  - question: Missing answer\n    choices: [A, B]\n\
             \x20 - question: Bad answer\n    choices: [A, B]\n    answer: first\n\
             \x20 - question: Out of range\n    choices: [A, B]\n    answer: 3\n",
        )
        .check()
        .fails(1)
        .says(&[
            "content/quiz.exercise.yaml:1:5",
            "`Bad_Id` is not a valid id",
            "content/quiz.exercise.yaml:4:7",
            "unknown value `quizz`",
            "content/quiz.exercise.yaml:5:11",
            // A duration is not offered 0, which is refused.
            "expected a whole number of minutes, from 1 to 1440",
            "hint: give the time in whole minutes, without a unit: `duration: 20`",
            "content/quiz.exercise.yaml:10:5",
            "missing required key `answer`",
            "content/quiz.exercise.yaml:14:13",
            "content/quiz.exercise.yaml:17:13",
            "answer 3 does not exist: the question has 2 choices",
        ]);
    assert_eq!(errors(&run), 6, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

/// A workshop plan with mistakes of both kinds reports them in one run:
/// a bad key or value, a start that is not a time, a session with no
/// duration, a session with two kinds. A session whose duration has an
/// error of its own is not also said to have none, and a page linking to
/// the plan still finds it.
#[test]
fn every_problem_in_a_workshop_is_reported_in_one_run() {
    let run = Book::new()
        .lesson("lesson.md", "L", "See [the plan](workshops/day.yaml).\n")
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: 9am\nsessions:\n  - activity: Welcome\n\
             \x20 - activity: Typo\n    duraton: 10\n\
             \x20 - break: Coffee\n    duration: -5\n\
             \x20 - lesson: lesson\n    break: Tea\n    duration: 5\n",
        )
        .check()
        .fails(1)
        .says(&[
            "content/workshops/day.yaml:2:8",
            "`9am` is not a time",
            "content/workshops/day.yaml:4:5",
            "this session has no duration",
            "content/workshops/day.yaml:6:5",
            "unknown key `duraton`",
            "content/workshops/day.yaml:8:15",
            "content/workshops/day.yaml:9:5",
            "each session needs exactly one of",
        ]);
    assert_eq!(errors(&run), 5, "{}", run.stderr);
    // In a plan that parses, a bad start does not hide the sessions' errors.
    Book::new()
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: 9am\nsessions:\n  - activity: Welcome\n",
        )
        .check()
        .fails(1)
        .says(&[
            "`9am` is not a time",
            "day.yaml:4:5",
            "this session has no duration",
        ]);
}

/// A `- ` line indented under a list item's text is valid YAML that joins
/// it to that text: a warning in front matter, exercise files and
/// workshop plans. Block scalars and nested lists under keys are fine.
#[test]
fn a_list_item_read_as_text_is_a_warning() {
    let run = Book::new()
        .file(
            "content/a.md",
            "---\ntitle: A\nobjectives:\n  - Describe the model\n    - Give one example\n---\n",
        )
        .file(
            "content/x.exercise.yaml",
            "id: x\ntitle: X\nlesson: a\nkind: discussion\nduration: 5\nsteps:\n  - Pair up\n      - Swap roles\n  - minutes: 2\n    text: |\n      Then:\n      - list\n        - nested\n",
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - activity: Welcome\n    duration: 10\n    notes: |\n      - a\n        - b\n",
        )
        .build()
        .ok();
    let run = run.says(&[
        "content/a.md:5:5",
        "warning: this `-` is read as more text of the item above, not as an item of its own",
        "indent it like the item above",
        "content/x.exercise.yaml:8:7",
    ]);
    assert_eq!(run.stderr.matches("warning:").count(), 2, "{}", run.stderr);
}
