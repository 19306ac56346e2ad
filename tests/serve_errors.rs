//! Build errors while serving: the browser gets every diagnostic, the
//! terminal shows the same ones, the last good site stays served, and a
//! fix clears the error and reloads.

mod serve_common;

use std::fs;

use serve_common::*;

#[test]
fn an_error_is_reported_everywhere_and_a_fix_reloads() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &DEBOUNCE);
    let ev = s.events();
    let g = ev.generation();
    let path = hb.path().join("content/01-basics/02-second.md");

    // Two errors in one file: a missing link target and a missing image.
    save(
        Save::Plain,
        &path,
        "---\ntitle: The second lesson\n---\n\nSee [the missing page](missing-page.md).\n\n![a photo](photo-that-is-not-there.png)\n",
    );
    let diags = ev.failed("the broken link");
    assert_eq!(diags.len(), 2, "{diags:?}");
    let first = &diags[0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["location"], "content/01-basics/02-second.md:5:5");
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .contains("missing-page.md"),
        "{first}"
    );
    assert!(
        first["hint"].as_str().is_some_and(|h| !h.is_empty()),
        "{first}"
    );
    assert!(diags[1]["message"]
        .as_str()
        .unwrap()
        .contains("photo-that-is-not-there.png"));

    // The terminal shows the same diagnostics.
    let err = s.wait_stderr("build failed: 2 errors");
    assert!(err.contains("content/01-basics/02-second.md:5:5"), "{err}");
    assert!(err.contains("missing-page.md"));
    assert!(err.contains(first["hint"].as_str().unwrap()), "{err}");

    // The last good site stays served, and the status says what is wrong.
    assert!(s
        .page("/basics/second.html")
        .contains("Body of the second lesson."));
    let status = s.status();
    assert_eq!(status["generation"].as_u64(), Some(g));
    assert_eq!(status["diagnostics"].as_array().unwrap().len(), 2);
    // A page opened now learns of the error when it connects.
    let late = s.events();
    let state = late.state.clone();
    assert_eq!(state["diagnostics"].as_array().unwrap().len(), 2);
    assert_eq!(state["generation"].as_u64(), Some(g));

    // A second failure replaces the first report.
    save(
        Save::Plain,
        &path,
        "---\ntitle: The second lesson\n---\n\nOnly [one problem](still-missing.md) now.\n",
    );
    let diags = ev.failed("the changed error");
    assert_eq!(diags.len(), 1);
    assert!(
        late.failed("the changed error, seen by the late page")
            .len()
            == 1
    );

    // The fix: a reload, and no error any more.
    save(
        Save::Vim,
        &path,
        &lesson("The second lesson", "Fixed body."),
    );
    assert_eq!(ev.reload("the fix"), g + 1);
    assert_eq!(late.reload("the fix, seen by the late page"), g + 1);
    assert!(s.page("/basics/second.html").contains("Fixed body."));
    assert!(s.status()["diagnostics"].as_array().unwrap().is_empty());
    let reconnected = s.events();
    let state = reconnected.state.clone();
    assert!(state["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn a_handbook_that_does_not_build_yet_is_served_once_fixed() {
    let hb = small_handbook();
    let path = hb.path().join("content/01-basics/02-second.md");
    // An unknown front-matter key that looks like markup.
    write(
        &path,
        "---\ntitle: The second lesson\n\"<img src=x onerror=alert(1)>\": 1\n---\n\nBody.\n",
    );
    let s = Served::start(hb.path(), &DEBOUNCE);
    let ev = s.events();
    assert_eq!(ev.generation(), 0);
    let state = ev.state.clone();
    let diags = state["diagnostics"].as_array().unwrap();
    assert!(!diags.is_empty());
    assert!(
        diags[0]["location"]
            .as_str()
            .unwrap()
            .starts_with("content/01-basics/02-second.md:3:"),
        "{diags:?}"
    );

    // Every page shows the diagnostics, escaped, with the live-reload script.
    let r = s.get("/basics/second.html");
    assert_eq!(r.status, 503);
    let page = r.text();
    assert!(page.contains("content/01-basics/02-second.md:3:"), "{page}");
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(page.contains("/__handbook/live.js"));
    s.wait_stderr("the site appears once the build succeeds");

    save(
        Save::Plain,
        &path,
        &lesson("The second lesson", "Now it builds."),
    );
    assert_eq!(ev.reload("the fix"), 1);
    assert!(s.page("/basics/second.html").contains("Now it builds."));
}

#[test]
fn a_broken_book_toml_is_reported_and_fixed_like_content() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &DEBOUNCE);
    let ev = s.events();
    let g = ev.generation();
    let toml_path = hb.path().join("book.toml");
    let good = fs::read_to_string(&toml_path).unwrap();
    save(
        Save::TempRename,
        &toml_path,
        &good.replace("title =", "titel ="),
    );
    let diags = ev.failed("the misspelt key");
    assert!(
        diags[0]["location"]
            .as_str()
            .unwrap()
            .starts_with("book.toml:1:"),
        "{diags:?}"
    );
    assert!(
        diags[0]["hint"].as_str().unwrap().contains("title"),
        "{diags:?}"
    );
    assert!(
        s.page("/").contains("Serve test"),
        "the last good site stays"
    );
    save(Save::TempRename, &toml_path, &good);
    assert_eq!(ev.reload("the fix"), g + 1);
}

#[test]
fn warnings_do_not_stop_the_reload() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &DEBOUNCE);
    let ev = s.events();
    let g = ev.generation();
    // Stray YAML is a warning: not published, but the build succeeds.
    write(&hb.path().join("content/01-basics/notes.yaml"), "a: 1\n");
    assert_eq!(ev.reload("a warning"), g + 1);
    s.wait_stderr("neither an exercise nor a workshop plan");
}
