//! The command line, run as a real binary: commands, exit codes, output
//! folders, atomic writes and rebuilds.

mod fixture;

use std::process::Command;

use fixture::{snapshot, Book, BIN};

#[test]
fn the_sample_handbook_builds_and_checks_without_warnings() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let r = Command::new(BIN)
        .args([
            "build",
            fixture::repo().to_str().unwrap(),
            "--out",
            site.to_str().unwrap(),
            "--edition",
            "participant",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    for page in [
        "index.html",
        "how-to-use.html",
        "exercises/index.html",
        "workshops/half-day.html",
        "nav.js",
        "404.html",
        "contents.html",
    ] {
        assert!(site.join(page).is_file(), "missing {page}");
    }
    let check = Command::new(BIN)
        .args(["check", fixture::repo().to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{stderr}");
    assert!(stderr.contains("no errors, 0 warnings"), "{stderr}");
}

#[test]
fn init_creates_a_handbook_that_builds_at_once_without_a_theme_copy() {
    let dir = tempfile::tempdir().unwrap();
    let hb = dir.path().join("new-book");
    let r = Command::new(BIN)
        .args(["init", hb.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(r.status.success());
    assert!(!hb.join("themes").exists(), "init must not copy the theme");
    let toml = std::fs::read_to_string(hb.join("book.toml")).unwrap();
    assert!(toml.contains("# "), "book.toml is commented");
    let r = Command::new(BIN)
        .args(["build", hb.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(hb.join("site/getting-started/first-lesson.html").is_file());
    assert!(hb.join("site/exercises/first-exercise.html").is_file());
    // A second init refuses to overwrite.
    let again = Command::new(BIN)
        .args(["init", hb.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    // Nothing was being built: the summary names what failed.
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("a handbook already exists here"),
        "{stderr}"
    );
    assert!(stderr.contains("init failed: 1 error"), "{stderr}");
    assert!(!stderr.contains("build failed"), "{stderr}");
}

/// init into a folder that already has files keeps them: an existing
/// .gitignore only gains the lines it lacks.
#[test]
fn init_keeps_the_files_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let hb = dir.path();
    std::fs::write(hb.join(".gitignore"), "secret.env").unwrap();
    std::fs::write(hb.join("exercise.schema.json"), "{\"mine\": 1}").unwrap();
    let r = Command::new(BIN)
        .args(["init", hb.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{stderr}");
    // The .gitignore was there: it is updated, not created.
    let gitignore = hb.join(".gitignore").display().to_string();
    assert!(stderr.contains(&format!("updated {gitignore}")), "{stderr}");
    assert!(
        !stderr.contains(&format!("created {gitignore}")),
        "{stderr}"
    );
    let book_toml = hb.join("book.toml").display().to_string();
    assert!(stderr.contains(&format!("created {book_toml}")), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(hb.join(".gitignore")).unwrap(),
        "secret.env\n/site/\n/site-facilitator/\n"
    );
    assert_eq!(
        std::fs::read_to_string(hb.join("exercise.schema.json")).unwrap(),
        "{\"mine\": 1}"
    );
    assert!(hb.join("book.toml").is_file());
}

/// init names the next command so that it can be pasted as it is, and
/// says plainly when it is given a file rather than a folder.
#[test]
fn init_next_step_pastes_and_a_file_is_refused() {
    let book = Book::empty().file("afile", "x");
    book.run(&["init", "Mon Manuel"])
        .ok()
        .says(&["next: handbook build 'Mon Manuel'"]);
    book.run(&["init", "afile"])
        .fails(1)
        .says(&["this is a file, not a folder", "init failed: 1 error"]);
}

#[test]
fn help_works_on_every_command_and_usage_errors_exit_2() {
    for args in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["clean", "--help"],
        vec!["init", "--help"],
        vec!["serve", "--help"],
        vec!["schema", "--help"],
    ] {
        let r = Command::new(BIN).args(&args).output().unwrap();
        assert!(r.status.success(), "{args:?}");
        let help = String::from_utf8_lossy(&r.stdout);
        assert!(help.contains("Usage"), "{args:?}");
        // Every argument says what it is: no bare `[DIR]` line.
        for line in help
            .lines()
            .filter(|l| l.trim_start().starts_with(['<', '[']))
        {
            assert!(line.trim().contains("  "), "{args:?}: {line}");
        }
    }
    let r = Command::new(BIN)
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    let r = Command::new(BIN).args(["frobnicate"]).output().unwrap();
    assert_eq!(r.status.code(), Some(2));
}

#[test]
fn check_validates_and_writes_nothing() {
    let book = Book::new();
    book.check().ok().says(&["check passed"]);
    assert!(!book.path().join("site").exists());
    book.write("content/broken.md", "---\ntitle: x\n");
    book.check()
        .fails(1)
        .says(&["content/broken.md:1:1", "front matter is never closed"]);
    assert!(!book.path().join("site").exists());
}

/// Counts in the command's own lines take the noun's singular or plural
/// form: "1 exercise", "1 warning", "0 warnings", never "warning(s)".
#[test]
fn counts_in_summaries_are_singular_or_plural() {
    let book = Book::new()
        .chapter("ch", "Chapter")
        .lesson("ch/lesson.md", "Lesson", "Some <b>raw</b> HTML.\n")
        .file(
            "content/ch/pause.exercise.yaml",
            "id: pause\ntitle: Pause\nlesson: ch/lesson\nkind: reflection\nduration: 5\n",
        );
    let run = book.build().ok().says(&["1 exercise into", ", 1 warning)"]);
    assert!(!run.stderr.contains("(s)"), "{}", run.stderr);
    book.build().ok().says(&["(0 files written"]);
    let run = book
        .check()
        .ok()
        .says(&["check passed: no errors, 1 warning"]);
    assert!(!run.stderr.contains("(s)"), "{}", run.stderr);
    book.write("content/ch/lesson.md", "---\ntitle: Lesson\n---\nPlain.\n");
    book.check()
        .ok()
        .says(&["check passed: no errors, 0 warnings"]);
    book.write(
        "content/ch/pause.exercise.yaml",
        "id: pause\ntitle: Pause\nlesson: ch/lesson\nkind: quiz\nduration: 5\nquestions:\n  - question: Q?\n    choices: [a]\n    answer: 2\n",
    );
    book.check()
        .fails(1)
        .says(&["the question has 1 choice\n", "check failed: 2 errors\n"]);
}

#[test]
fn build_out_and_clean() {
    let book = Book::new();
    book.run(&["build", ".", "--out", "public"]).ok();
    assert!(book.path().join("public/index.html").is_file());
    book.build().ok();
    assert!(book.exists("index.html"));
    book.run(&["clean", "."]).ok();
    assert!(!book.path().join("site").exists());
    book.run(&["clean", ".", "--out", "public"]).ok();
    assert!(!book.path().join("public").exists());
}

/// `--out` names the participant edition's folder; the facilitator edition
/// goes beside it, never over it (it holds facilitator notes).
#[test]
fn out_keeps_the_editions_apart() {
    let book = Book::new().file(
        "book.toml",
        "title = \"T\"\n[build]\neditions = [\"participant\", \"facilitator\"]\n",
    );
    let facilitator = |dir: &str| {
        std::fs::read_to_string(book.path().join(dir).join("index.html"))
            .unwrap()
            .contains(r#"class="hb-edition-badge""#)
    };
    book.run(&["build", ".", "--out", "public"])
        .ok()
        .says(&["into public in", "into public-facilitator in"]);
    assert!(!facilitator("public"));
    assert!(facilitator("public-facilitator"));
    // One edition by name goes exactly where `--out` says.
    book.run(&["build", ".", "--out", "notes", "--edition", "facilitator"])
        .ok();
    assert!(facilitator("notes"));
    assert!(!book.path().join("notes-facilitator").exists());
    book.run(&["clean", ".", "--out", "public"]).ok();
    assert!(!book.path().join("public").exists());
    assert!(!book.path().join("public-facilitator").exists());
}

#[test]
fn not_a_handbook_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = Command::new(BIN)
        .args(["build", dir.path().to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("no book.toml here"));
}

#[test]
fn piped_output_has_no_colour_or_progress_and_quiet_is_quiet() {
    let book = Book::new().file("content/x.md", "---\ntitle: X\n---\n<b>raw</b>\n");
    // Piped (not a terminal): no escape codes even without NO_COLOR.
    let r = Command::new(BIN)
        .args(["build", "."])
        .current_dir(book.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success());
    assert!(
        !stderr.contains('\x1b'),
        "escape codes in piped output: {stderr:?}"
    );
    assert!(!stderr.contains("pages\r"), "progress shown when piped");
    assert!(stderr.contains("warning: raw HTML is shown as text"));
    let q = book.run(&["-q", "build", "."]).ok();
    assert_eq!(q.stderr, "", "quiet prints nothing on success");
    let v = book.run(&["-v", "build", "."]).ok();
    for stage in [
        "discover",
        "front matter",
        "model",
        "markdown",
        "validate",
        "search",
        "theme",
        "render",
        "write",
    ] {
        assert!(
            v.stderr.contains(stage),
            "-v lacks stage {stage}: {}",
            v.stderr
        );
    }
}

#[test]
fn a_failed_build_leaves_the_previous_site_byte_identical() {
    let book = Book::new().lesson("a.md", "A", "Text.\n");
    book.build().ok();
    let before = snapshot(&book.path().join("site"));
    book.write(
        "content/a.md",
        "---\ntitle: A\n---\nSee [missing](nope.md).\n",
    );
    book.build()
        .fails(1)
        .says(&["content/a.md:4:5", "link to missing file `nope.md`"]);
    assert_eq!(
        before,
        snapshot(&book.path().join("site")),
        "previous output changed"
    );
    let leftovers: Vec<_> = std::fs::read_dir(book.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn pages_of_deleted_sources_disappear() {
    let book = Book::new()
        .lesson("a.md", "A", "x\n")
        .lesson("b.md", "B", "y\n");
    book.build().ok();
    assert!(book.exists("b.html"));
    book.remove("content/b.md");
    book.build().ok();
    assert!(!book.exists("b.html"));
    assert!(!book.page("nav.js").contains("b.html"));
}

#[test]
fn unchanged_rebuild_rewrites_nothing_and_keeps_mtimes() {
    let book = Book::new()
        .lesson("a.md", "A", "x\n")
        .lesson("b.md", "B", "y\n");
    book.build().ok();
    let mtime = |p: &str| std::fs::metadata(book.out(p)).unwrap().modified().unwrap();
    let (a, b) = (mtime("a.html"), mtime("b.html"));
    let r = book.build().ok();
    assert!(r.stderr.contains("(0 files written"), "{}", r.stderr);
    assert_eq!((a, b), (mtime("a.html"), mtime("b.html")));
    // Editing one lesson rewrites that page (and pages that show its title are unchanged here).
    book.write("content/b.md", "---\ntitle: B\n---\nchanged\n");
    book.build().ok();
    assert_eq!(a, mtime("a.html"));
    assert_ne!(b, mtime("b.html"));
}

/// An `output-dir` in book.toml that would mix the site with the sources
/// is an error at its value, for `check` as for `build`.
#[test]
fn a_dangerous_output_dir_is_located_in_book_toml() {
    for (out, why) in [
        ("content/site", "it is inside `content/`"),
        (".", "it would hold the handbook's own sources"),
        ("themes/site", "it is inside `themes/`"),
    ] {
        let book = Book::new().file(
            "book.toml",
            format!("title = \"T\"\noutput-dir = \"{out}\"\n"),
        );
        for cmd in ["check", "build"] {
            book.run(&[cmd, "."]).fails(1).says(&[
                "book.toml:2:14",
                &format!("the output folder `{out}` cannot hold the site: {why}"),
                "hint: give the site a folder of its own",
            ]);
        }
        assert!(!book.path().join(out).join("index.html").exists());
    }
}

#[test]
fn dangerous_output_folders_are_refused() {
    let book = Book::new();
    for out in [".", "content", "content/site", "themes"] {
        book.run(&["build", ".", "--out", out])
            .fails(1)
            .says(&["refusing to write the site here"]);
    }
    assert!(book.path().join("content/index.md").is_file());
    let parent = book.path().parent().unwrap().to_str().unwrap().to_string();
    book.run(&["build", ".", "--out", &parent])
        .fails(1)
        .says(&["would hold the handbook's own sources"]);
}

#[test]
fn schema_prints_json_schema() {
    let r = Command::new(BIN).arg("schema").output().unwrap();
    assert!(r.status.success());
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["title"], "handbook exercise");
    assert!(v["properties"]["kind"].is_object());
}

#[test]
fn both_editions_build_side_by_side() {
    let book = Book::new().file(
        "book.toml",
        "title = \"T\"\n[build]\neditions = [\"participant\", \"facilitator\"]\n",
    );
    book.build()
        .ok()
        .says(&["participant edition", "facilitator edition"]);
    assert!(book.path().join("site/index.html").is_file());
    assert!(book.path().join("site-facilitator/index.html").is_file());
    assert!(
        std::fs::read_to_string(book.path().join("site-facilitator/index.html"))
            .unwrap()
            .contains(r#"class="hb-edition-badge""#)
    );
}

/// The output folder is replaced on each build, but never a folder that
/// handbook did not build, nor a file; dot-files and CNAME (a gh-pages
/// checkout) survive every build and `clean`; a symbolic link stays and
/// the site lands where it points.
#[test]
fn output_folders_never_lose_what_handbook_did_not_write() {
    let book = Book::new();
    let p = |rel: &str| book.path().join(rel);
    // Someone's folder of documents.
    std::fs::create_dir_all(p("docs")).unwrap();
    std::fs::write(p("docs/thesis.txt"), "years of work").unwrap();
    book.run(&["build", ".", "--out", "docs"])
        .fails(1)
        .says(&["refusing to replace this folder", "`thesis.txt`"]);
    assert_eq!(
        std::fs::read_to_string(p("docs/thesis.txt")).unwrap(),
        "years of work"
    );
    book.run(&["clean", ".", "--out", "docs"])
        .fails(1)
        .says(&["clean failed: 1 error"]);
    assert!(p("docs/thesis.txt").is_file());
    // A file where the folder should be.
    std::fs::write(p("notes.txt"), "notes").unwrap();
    book.run(&["build", ".", "--out", "notes.txt"])
        .fails(1)
        .says(&["exists and is not a folder"]);
    assert_eq!(std::fs::read_to_string(p("notes.txt")).unwrap(), "notes");
    // A gh-pages checkout: .git and CNAME stay through builds and clean.
    std::fs::create_dir_all(p("pages/.git")).unwrap();
    std::fs::write(p("pages/.git/HEAD"), "ref").unwrap();
    std::fs::write(p("pages/CNAME"), "docs.example.org").unwrap();
    book.run(&["build", ".", "--out", "pages"]).ok();
    book.write("content/index.md", "---\ntitle: Home\n---\nChanged.\n");
    book.run(&["build", ".", "--out", "pages"]).ok();
    assert!(std::fs::read_to_string(p("pages/index.html"))
        .unwrap()
        .contains("Changed."));
    assert_eq!(
        std::fs::read_to_string(p("pages/.git/HEAD")).unwrap(),
        "ref"
    );
    assert_eq!(
        std::fs::read_to_string(p("pages/CNAME")).unwrap(),
        "docs.example.org"
    );
    book.run(&["clean", ".", "--out", "pages"]).ok();
    assert!(!p("pages/index.html").exists());
    assert!(p("pages/.git/HEAD").is_file() && p("pages/CNAME").is_file());
    // A symbolic link to the folder a web server reads.
    std::fs::create_dir_all(p("www")).unwrap();
    std::os::unix::fs::symlink(p("www"), p("link")).unwrap();
    book.run(&["build", ".", "--out", "link"]).ok();
    book.run(&["build", ".", "--out", "link"]).ok();
    assert!(std::fs::symlink_metadata(p("link"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(p("www/index.html").is_file());
}

/// Both editions are built before either is written: an error that only
/// the facilitator edition has leaves the participant site as it was. A
/// warning about text both share is printed once.
#[test]
fn a_failing_edition_leaves_every_output_as_it_was() {
    let book = Book::new()
        .file(
            "book.toml",
            "title = \"T\"\n[build]\neditions = [\"participant\", \"facilitator\"]\n",
        )
        .file("content/a.md", "---\ntitle: A\n---\nRaw <b>html</b>.\n");
    let run = book.build().ok();
    assert_eq!(run.stderr.matches("raw HTML").count(), 1, "{}", run.stderr);
    let before = fixture::snapshot(&book.path().join("site"));
    book.write(
        "content/a.md",
        "---\ntitle: A changed\n---\n> [!FACILITATOR]\n> See [notes](nope.md).\n",
    );
    book.build().fails(1).says(&["nope.md"]);
    assert_eq!(fixture::snapshot(&book.path().join("site")), before);
}
