//! `handbook serve` in headless Chromium: an open page reloads after an
//! edit and keeps its scroll position, shows an overlay with the build
//! errors (as text, never as markup), and reloads without it once fixed.

mod serve_common;
mod support;

use serve_common::*;
use support::browser::{browser, keys};

fn long_lesson(marker: &str) -> String {
    let mut body = String::new();
    for i in 0..80 {
        body.push_str(&format!(
            "Paragraph {i} of a long lesson, long enough to scroll.\n\n"
        ));
    }
    body.push_str(marker);
    lesson("The second lesson", &body)
}

#[test]
fn an_open_page_reloads_shows_errors_and_recovers() {
    let hb = small_handbook();
    let path = hb.path().join("content/01-basics/02-second.md");
    write(&path, &long_lesson("FIRST-VERSION"));
    let s = Served::start(hb.path(), &DEBOUNCE);
    let b = browser();
    b.goto(&format!("http://127.0.0.1:{}/basics/second.html", s.port));
    b.wait_for(
        "window.__handbookLive && window.__handbookLive.connected",
        "the live-reload connection",
    );
    b.eval("window.scrollTo(0, 700); window.__notReloaded = true;");
    b.wait_for("Math.abs(window.scrollY - 700) < 2", "the page to scroll");

    // An edit: the page reloads by itself, with the new text, where it was.
    save(Save::Vim, &path, &long_lesson("SECOND-VERSION"));
    b.wait_for(
        "!window.__notReloaded && document.body.textContent.includes('SECOND-VERSION')",
        "the page to reload with the edit",
    );
    b.wait_for(
        "Math.abs(window.scrollY - 700) < 2",
        "the scroll position to be kept",
    );
    b.wait_for("window.__handbookLive.connected", "the reconnection");

    // An error: an overlay lists it, with markup in the message shown as text.
    b.eval("window.__notReloaded = true;");
    save(
        Save::Plain,
        &path,
        "---\ntitle: The second lesson\n---\n\nSee [this](missing<b>bold</b>.md).\n",
    );
    b.wait_for(
        "document.getElementById('__handbook-overlay')",
        "the error overlay",
    );
    let overlay = b.text("#__handbook-overlay");
    assert!(
        overlay.contains("content/01-basics/02-second.md:5:5"),
        "{overlay}"
    );
    assert!(overlay.contains("missing<b>bold</b>.md"), "{overlay}");
    assert!(overlay.contains("hint:"), "{overlay}");
    assert_eq!(
        b.count("#__handbook-overlay b"),
        0,
        "diagnostic text was parsed as HTML"
    );
    // The last good page stays underneath; nothing reloaded.
    assert_eq!(
        b.eval("return window.__notReloaded === true && document.body.textContent.includes('SECOND-VERSION')"),
        serde_json::Value::Bool(true)
    );

    // The fix: the overlay goes and the page reloads.
    save(Save::Plain, &path, &long_lesson("THIRD-VERSION"));
    b.wait_for(
        "!window.__notReloaded && document.body.textContent.includes('THIRD-VERSION') && !document.getElementById('__handbook-overlay')",
        "the page to reload without the overlay",
    );
    assert_eq!(b.js_errors(), Vec::<String>::new());
}

#[test]
fn a_page_opened_while_the_build_is_broken_shows_the_overlay_at_once() {
    let hb = small_handbook();
    let path = hb.path().join("content/01-basics/02-second.md");
    let s = Served::start(hb.path(), &DEBOUNCE);
    let ev = s.events();
    save(
        Save::Plain,
        &path,
        "---\ntitle: x\nunknown-key: 1\n---\n\nBody.\n",
    );
    ev.failed("the broken front matter");
    let b = browser();
    b.goto(&format!("http://localhost:{}/basics/second.html", s.port));
    b.wait_for(
        "document.getElementById('__handbook-overlay')",
        "the overlay on a freshly opened page",
    );
    assert!(b
        .text("#__handbook-overlay")
        .contains("content/01-basics/02-second.md:3:"));
    // It takes the focus, as a dialog does, and Esc closes it.
    b.wait_for(
        "document.getElementById('__handbook-overlay').contains(document.activeElement)",
        "the overlay to take the focus",
    );
    b.press(keys::ESCAPE);
    b.wait_for(
        "!document.getElementById('__handbook-overlay')",
        "Esc to close the overlay",
    );
    // Dismissing hides it until the next event.
    b.goto(&format!("http://localhost:{}/basics/second.html", s.port));
    b.wait_for(
        "document.getElementById('__handbook-overlay')",
        "the overlay again",
    );
    b.click("#__handbook-overlay button");
    b.wait_for(
        "!document.getElementById('__handbook-overlay')",
        "the overlay to close",
    );
}
