//! `handbook serve` with live reload: a real server on a free port, real
//! files edited, created, deleted and renamed, and the reload events and
//! served pages checked after each.
//!
//! "Exactly one rebuild" is checked with a sentinel: after the reload for a
//! change, another file is edited, and the next event must be that edit's
//! reload, one generation later, with the build count up by exactly two.
//!
//! The servers here use a 150 ms quiet period rather than the default
//! 30 ms: the save patterns are several system calls made by this test,
//! and on a busy machine the test thread can be paused between two of
//! them for longer than an editor ever is.

mod serve_common;

use std::fs;

use serve_common::*;

fn builds(s: &Served) -> u64 {
    s.status()["builds"].as_u64().unwrap()
}

/// Edits the sentinel lesson and checks that its reload is the very next
/// event, one generation after `generation`, and that the server built
/// exactly twice since `builds_before`.
fn sentinel(s: &Served, ev: &Events, generation: u64, builds_before: u64, tag: &str) {
    let path = s.root.join("content/01-basics/01-first.md");
    let marker = format!("sentinel-{tag}");
    save(Save::Plain, &path, &lesson("The first lesson", &marker));
    let g = ev.reload(&format!("the sentinel edit after {tag}"));
    assert_eq!(
        g,
        generation + 1,
        "{tag}: an extra rebuild happened before the sentinel's"
    );
    assert!(s.page("/basics/first.html").contains(&marker));
    assert_eq!(builds(s), builds_before + 2, "{tag}: builds");
}

#[test]
fn an_edit_reloads_with_the_new_content() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &DEBOUNCE);
    let ev = s.events();
    let g0 = ev.generation();
    assert!(s
        .page("/basics/second.html")
        .contains("Body of the second lesson."));

    save(
        Save::Plain,
        &hb.path().join("content/01-basics/02-second.md"),
        &lesson("The second lesson", "Edited body."),
    );
    assert_eq!(ev.reload("the edit"), g0 + 1);
    let page = s.page("/basics/second.html");
    assert!(page.contains("Edited body."), "{page}");
    assert!(!page.contains("Body of the second lesson."));
    // Served pages carry the live-reload script with the new version.
    let version = s.status()["version"].as_str().unwrap().to_string();
    assert!(
        page.contains(&format!("data-version=\"{version}\"")),
        "{page}"
    );
    // The terminal says so too.
    s.wait_stderr("rebuilt");
}

#[test]
fn every_way_of_saving_is_one_rebuild_with_the_final_content() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &DEBOUNCE);
    let ev = s.events();
    let path = hb.path().join("content/01-basics/02-second.md");
    for (i, how) in [
        Save::Plain,
        Save::Vim,
        Save::JetBrains,
        Save::SedInPlace,
        Save::TempRename,
    ]
    .into_iter()
    .enumerate()
    {
        let g = s.status()["generation"].as_u64().unwrap();
        let b = builds(&s);
        let marker = format!("saved-by-{how:?}-{i}");
        save(how, &path, &lesson("The second lesson", &marker));
        let got = ev.reload(&format!("{how:?} save"));
        assert_eq!(got, g + 1, "{how:?}");
        let page = s.page("/basics/second.html");
        assert!(
            page.contains(&marker),
            "{how:?}: the reload must show the final content"
        );
        // The lesson never went missing from the navigation in between.
        assert!(s.get("/nav.js").text().contains("The second lesson"));
        sentinel(&s, &ev, got, b, &format!("{how:?}"));
    }
    assert!(ev.pending().is_none());
    // Nothing the editors left behind along the way is published.
    s.assert_serves_clean_build(handbook::Edition::Participant, true);
}

#[test]
fn new_deleted_and_renamed_files_and_folders() {
    let hb = small_handbook();
    let root = hb.path();
    let s = Served::start(root, &DEBOUNCE);
    let ev = s.events();
    let mut g = ev.generation();
    let mut step = |what: &str| {
        g += 1;
        assert_eq!(ev.reload(what), g, "{what}");
    };

    // A new lesson appears, in the navigation too.
    write(
        &root.join("content/01-basics/04-fourth.md"),
        &lesson("The fourth lesson", "Brand new."),
    );
    step("a new lesson");
    assert!(s.page("/basics/fourth.html").contains("Brand new."));
    assert!(s.get("/nav.js").text().contains("The fourth lesson"));

    // A deleted lesson disappears from the site and the navigation.
    fs::remove_file(root.join("content/01-basics/03-third.md")).unwrap();
    step("a deleted lesson");
    assert_eq!(s.get("/basics/third.html").status, 404);
    assert!(!s.get("/nav.js").text().contains("The third lesson"));
    assert!(!s.page("/basics/index.html").contains("The third lesson"));

    // A renamed lesson moves.
    fs::rename(
        root.join("content/01-basics/02-second.md"),
        root.join("content/01-basics/02-renamed.md"),
    )
    .unwrap();
    step("a renamed lesson");
    assert_eq!(s.get("/basics/second.html").status, 404);
    assert!(s
        .page("/basics/renamed.html")
        .contains("Body of the second lesson."));

    // A new folder with its files, created elsewhere and moved in at once.
    let staging = root.join("incoming");
    write(
        &staging.join("index.md"),
        "---\ntitle: More\n---\n\nMore things.\n",
    );
    write(
        &staging.join("01-extra.md"),
        &lesson("An extra lesson", "Extra body."),
    );
    fs::rename(&staging, root.join("content/02-more")).unwrap();
    step("a folder moved in");
    assert!(s.page("/more/extra.html").contains("Extra body."));
    // A folder's index answers at the folder, and its bare name redirects.
    assert!(s.page("/more/").contains("More things."));
    let r = s.get("/more");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/more/"));
    // The query goes along as it was sent, not encoded a second time.
    let r = s.get("/more?q=team%20trust");
    assert_eq!(r.header("location"), Some("/more/?q=team%20trust"));

    // Files created inside the new folder are seen: it is watched.
    write(
        &root.join("content/02-more/02-later.md"),
        &lesson("A later lesson", "Later body."),
    );
    step("a file in the new folder");
    assert!(s.page("/more/later.html").contains("Later body."));

    // A renamed folder moves its pages.
    fs::rename(root.join("content/02-more"), root.join("content/03-extra")).unwrap();
    step("a renamed folder");
    assert_eq!(s.get("/more/extra.html").status, 404);
    assert!(s.page("/extra/extra.html").contains("Extra body."));
    write(
        &root.join("content/03-extra/02-later.md"),
        &lesson("A later lesson", "Edited in the renamed folder."),
    );
    step("an edit in the renamed folder");
    assert!(s
        .page("/extra/later.html")
        .contains("Edited in the renamed folder."));

    // A deleted folder takes its pages with it.
    fs::remove_dir_all(root.join("content/03-extra")).unwrap();
    step("a deleted folder");
    assert_eq!(s.get("/extra/extra.html").status, 404);
    assert!(!s.get("/nav.js").text().contains("An extra lesson"));

    // Assets too.
    write(&root.join("content/01-basics/notes.txt"), "plain notes\n");
    step("a new asset");
    let r = s.get("/basics/notes.txt");
    assert_eq!((r.status, r.text().as_str()), (200, "plain notes\n"));
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert!(
        !r.text().contains("__handbook"),
        "only HTML gets the script"
    );
}

#[test]
fn a_checkout_of_500_files_is_one_rebuild() {
    let hb = small_handbook();
    let root = hb.path();
    // Default settings: a bulk change waits for a longer quiet time by itself.
    let s = Served::start(root, &[]);
    let ev = s.events();
    let g = ev.generation();
    let b = builds(&s);
    // As `git checkout` does: one file after another, as fast as it can.
    write(
        &root.join("content/02-bulk/index.md"),
        "---\ntitle: Bulk\n---\n\nMany lessons.\n",
    );
    for i in 1..500 {
        write(
            &root.join(format!("content/02-bulk/{i:03}-lesson-{i}.md")),
            &lesson(&format!("Bulk lesson {i}"), &format!("Bulk body {i}.")),
        );
    }
    let got = ev.reload("the checkout");
    assert_eq!(got, g + 1);
    // The one rebuild saw every file.
    assert!(s.page("/bulk/lesson-1.html").contains("Bulk body 1."));
    assert!(s.page("/bulk/lesson-499.html").contains("Bulk body 499."));
    assert!(s.get("/nav.js").text().contains("Bulk lesson 499"));
    sentinel(&s, &ev, got, b, "checkout");
}

#[test]
fn building_next_to_the_server_and_editor_litter_trigger_nothing() {
    let hb = small_handbook();
    let root = hb.path();
    let s = Served::start(root, &DEBOUNCE);
    let ev = s.events();
    let g = ev.generation();
    let b = builds(&s);

    // `handbook build` writes site/ and site-facilitator/ through staging
    // folders beside them; none of that is content.
    let out = std::process::Command::new(bin())
        .args(["build", "--quiet"])
        .arg(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(root.join("site/index.html").exists());
    // Swap files, backups, lock files and hidden folders in content/.
    let dir = root.join("content/01-basics");
    write(&dir.join(".02-second.md.swp"), "swap");
    write(&dir.join("02-second.md~"), "backup");
    write(&dir.join("#02-second.md#"), "autosave");
    write(&dir.join(".#02-second.md"), "lock");
    write(&dir.join("02-second.md___jb_tmp___"), "tmp");
    write(&root.join("content/.git/index"), "git");
    write(&root.join("README.md"), "not content");

    // The next rebuild is the sentinel's: nothing above caused one.
    let path = root.join("content/01-basics/01-first.md");
    save(
        Save::Plain,
        &path,
        &lesson("The first lesson", "after the litter"),
    );
    assert_eq!(ev.reload("the sentinel"), g + 1);
    assert_eq!(builds(&s), b + 1);
    assert!(s.page("/basics/first.html").contains("after the litter"));
    assert_eq!(s.get("/basics/02-second.md~").status, 404);
}

#[test]
fn book_toml_and_themes_are_watched() {
    let hb = small_handbook();
    let root = hb.path();
    let s = Served::start(root, &DEBOUNCE);
    let ev = s.events();
    let g = ev.generation();
    let template = |word: &str| {
        format!("{{% extends \"default/lesson.html\" %}}{{% block main %}}<p>{word} {{{{ page.title }}}}</p>{{% endblock main %}}")
    };

    // A themes/ folder that did not exist when serving started.
    write(
        &root.join("themes/mine/templates/lesson.html"),
        &template("THEMED"),
    );
    assert_eq!(ev.reload("a new themes folder"), g + 1);

    // book.toml, replaced the way vim does it, switching to that theme.
    let toml = "title = \"Renamed handbook\"\nlanguage = \"en\"\ntheme = \"mine\"\n\n[build]\neditions = [\"participant\", \"facilitator\"]\n";
    save(Save::Vim, &root.join("book.toml"), toml);
    assert_eq!(ev.reload("the book.toml edit"), g + 2);
    assert!(s.page("/").contains("Renamed handbook"));
    assert!(s
        .page("/basics/first.html")
        .contains("THEMED The first lesson"));

    // The new folder is watched.
    save(
        Save::Plain,
        &root.join("themes/mine/templates/lesson.html"),
        &template("RETHEMED"),
    );
    assert_eq!(ev.reload("a theme edit"), g + 3);
    assert!(s
        .page("/basics/first.html")
        .contains("RETHEMED The first lesson"));
}

#[test]
fn a_logo_in_a_folder_of_its_own_is_watched_too() {
    for poll in [false, true] {
        let hb = small_handbook();
        let root = hb.path();
        write(
            &root.join("book.toml"),
            "title = \"Serve test\"\nlanguage = \"en\"\n\n[branding]\nlogo = \"assets/logo.svg\"\n",
        );
        write(
            &root.join("assets/logo.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        );
        let args: &[&str] = if poll { &POLL } else { &DEBOUNCE };
        let s = Served::start(root, args);
        let ev = s.events();
        let g = ev.generation();
        save(
            Save::Plain,
            &root.join("assets/logo.svg"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>NEWLOGO</title></svg>\n",
        );
        assert_eq!(ev.reload("a logo edit"), g + 1, "poll: {poll}");
        assert!(
            s.get("/_theme/logo.svg").text().contains("NEWLOGO"),
            "poll: {poll}"
        );
    }
}

#[test]
fn polling_sees_changes_too() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &POLL);
    let ev = s.events();
    let g = ev.generation();
    save(
        Save::Vim,
        &hb.path().join("content/01-basics/02-second.md"),
        &lesson("The second lesson", "Seen by polling."),
    );
    assert_eq!(ev.reload("the edit, found by polling"), g + 1);
    assert!(s.page("/basics/second.html").contains("Seen by polling."));
}

#[test]
fn the_default_quiet_period_handles_a_plain_save() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &[]);
    let ev = s.events();
    let g = ev.generation();
    save(
        Save::Plain,
        &hb.path().join("content/01-basics/02-second.md"),
        &lesson("The second lesson", "Default debounce."),
    );
    assert_eq!(ev.reload("the edit"), g + 1);
    assert!(s.page("/basics/second.html").contains("Default debounce."));
}

#[test]
fn a_page_that_missed_a_reload_catches_up_on_connecting() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &DEBOUNCE);
    let first = s.events();
    let old_version = first.state["version"].as_str().unwrap().to_string();
    save(
        Save::Plain,
        &hb.path().join("content/01-basics/02-second.md"),
        &lesson("The second lesson", "Missed."),
    );
    let generation = first.reload("the edit");
    // A client connecting now learns the new version at once.
    let late = s.events();
    let state = late.state.clone();
    assert_ne!(state["version"].as_str().unwrap(), old_version);
    assert_eq!(state["generation"].as_u64().unwrap(), generation);
    assert!(state["diagnostics"].as_array().unwrap().is_empty());
}

/// The stylesheets of `[branding] extra-css`, in a folder of their own or
/// at the top: an edit rebuilds and reloads, and the new bytes are served.
/// One named before it exists is picked up when its folder and file are
/// made.
#[test]
fn extra_stylesheets_are_watched_too() {
    for poll in [false, true] {
        let hb = small_handbook();
        let root = hb.path();
        write(
            &root.join("book.toml"),
            "title = \"Serve test\"\nlanguage = \"en\"\n\n[branding]\nextra-css = [\"styles/brand.css\", \"late.css\", \"later/new.css\"]\n",
        );
        write(&root.join("styles/brand.css"), "/* brand */\n");
        write(&root.join("late.css"), "/* late */\n");
        let args: &[&str] = if poll { &POLL } else { &DEBOUNCE };
        let s = Served::start(root, args);
        let ev = s.events();
        // The third is missing: the first build fails.
        let failed = ev.state["diagnostics"].to_string();
        assert!(
            failed.contains("the stylesheet `later/new.css` does not exist"),
            "poll: {poll}: {failed}"
        );
        write(&root.join("later/new.css"), "/* NEW */\n");
        let g = ev.reload("the missing stylesheet made");
        assert!(s.get("/_theme/extra/new.css").text().contains("NEW"));
        assert!(s
            .page("/basics/first.html")
            .contains("<link rel=\"stylesheet\" href=\"../_theme/extra/new.css\">"));
        save(
            Save::Plain,
            &root.join("styles/brand.css"),
            "/* BRAND2 */\n",
        );
        assert_eq!(ev.reload("a stylesheet edit"), g + 1, "poll: {poll}");
        assert!(
            s.get("/_theme/extra/brand.css").text().contains("BRAND2"),
            "poll: {poll}"
        );
        save(Save::Vim, &root.join("late.css"), "/* LATE2 */\n");
        assert_eq!(
            ev.reload("a top-level stylesheet edit"),
            g + 2,
            "poll: {poll}"
        );
        assert!(
            s.get("/_theme/extra/late.css").text().contains("LATE2"),
            "poll: {poll}"
        );
    }
}
