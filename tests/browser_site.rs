//! The built sample handbook in headless Chromium: navigation reaches every
//! page from disk, the theme's behaviour, catalogue filters and quizzes.

mod fixture;
mod support;

use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use support::browser::{browser, file_url, keys, Browser};
use support::http::StaticServer;

/// The sample handbook built once per test binary: (participant, facilitator).
fn site() -> &'static (PathBuf, PathBuf) {
    fixture::sample_site()
}

fn participant() -> &'static Path {
    &site().0
}

#[track_caller]
fn no_js_errors(b: &Browser, page: &str) {
    let errors = b.js_errors();
    assert!(errors.is_empty(), "JavaScript errors on {page}: {errors:?}");
}

/// Every HTML page of the site, relative to its root.
fn all_pages(root: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Follows the links a reader can click (header, sidebar, breadcrumbs,
/// contents, previous/next, cards) from the home page, under `file://`.
#[test]
fn every_page_is_reachable_through_the_navigation_from_disk() {
    let root = participant();
    let b = browser();
    let prefix = file_url(root) + "/";
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(["index.html".to_string()]);
    while let Some(page) = queue.pop_front() {
        if !seen.insert(page.clone()) {
            continue;
        }
        b.goto(&format!("{prefix}{page}"));
        b.wait_for("document.readyState === 'complete'", "the page to load");
        if page != "search.html" {
            b.wait_for(
                "document.querySelector('#hb-nav-tree .hb-tree') !== null",
                "the navigation tree",
            );
        }
        no_js_errors(&b, &page);
        let links = b.eval(
            "return Array.from(document.querySelectorAll('a[href], form[action]')).map(e => e.href || e.action).filter(h => h.startsWith('file:'));",
        );
        for href in links.as_array().unwrap() {
            let href = href.as_str().unwrap();
            let target = href
                .strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("{page} links outside the site: {href}"));
            let target = target.split(['#', '?']).next().unwrap().to_string();
            assert!(
                root.join(&target).is_file(),
                "{page} links to a missing page: {target}"
            );
            if target.ends_with(".html") && !seen.contains(&target) {
                queue.push_back(target);
            }
        }
    }
    let unreached: Vec<String> = all_pages(root)
        .difference(&seen)
        .filter(|p| *p != "404.html")
        .cloned()
        .collect();
    assert!(
        unreached.is_empty(),
        "pages no link leads to: {unreached:?}"
    );
    assert!(seen.len() >= 35, "only {} pages visited", seen.len());
}

#[test]
fn pages_load_over_http_with_the_navigation_tree() {
    let server = StaticServer::start(participant());
    let b = browser();
    for page in [
        "index.html",
        "management-is-a-separate-skill/learning-your-people.html",
        "exercises/index.html",
        "workshops/half-day.html",
    ] {
        b.goto(&server.url(&format!("/{page}")));
        b.wait_for(
            "document.querySelector('#hb-nav-tree .hb-tree') !== null",
            "the navigation tree",
        );
        // The link to every page stays below the tree.
        assert_eq!(
            b.eval("const a = document.querySelector('#hb-nav-tree .hb-tree ~ .hb-nav-all a'); return a && a.textContent;"),
            "All pages",
            "{page}"
        );
        no_js_errors(&b, page);
    }
    // The current page is marked and its chapter open.
    b.goto(&server.url("/management-is-a-separate-skill/learning-your-people.html"));
    b.wait_for(
        "document.querySelector('.hb-tree a[aria-current=page]') !== null",
        "the current page marked",
    );
    assert_eq!(
        b.text(".hb-tree a[aria-current=page]"),
        "Learning your people"
    );
}

#[test]
fn dark_mode_toggle_is_remembered() {
    let b = browser();
    let url = file_url(&participant().join("index.html"));
    b.goto(&url);
    b.eval("localStorage.removeItem('hb-theme'); return 0;");
    b.goto(&url);
    let before = b.eval("return getComputedStyle(document.body).backgroundColor;");
    b.click("#hb-theme-toggle");
    let theme = b.eval("return document.documentElement.dataset.theme;");
    let after = b.eval("return getComputedStyle(document.body).backgroundColor;");
    assert_ne!(before, after, "the colours change");
    b.goto(&file_url(&participant().join("how-to-use.html")));
    assert_eq!(
        b.eval("return document.documentElement.dataset.theme;"),
        theme,
        "the choice carries to the next page"
    );
    b.click("#hb-theme-toggle");
    assert_ne!(
        b.eval("return document.documentElement.dataset.theme;"),
        theme
    );
    no_js_errors(&b, "index.html");
}

#[test]
fn narrow_screens_fit_and_the_menu_opens() {
    let b = browser();
    b.set_window_size(360, 780);
    for page in [
        "index.html",
        "management-is-a-separate-skill/learning-your-people.html",
        "exercises/index.html",
        "workshops/half-day.html",
        "exercises/motivation-map.html",
    ] {
        b.goto(&file_url(&participant().join(page)));
        let width = b.eval("return window.innerWidth;").as_i64().unwrap();
        let scroll = b
            .eval("return document.documentElement.scrollWidth;")
            .as_i64()
            .unwrap();
        assert!(
            scroll <= width,
            "{page} scrolls sideways at {width} px: {scroll} px wide"
        );
    }
    // A table wider than the screen scrolls in its frame, which shows a
    // shadow on the side with more to see.
    b.goto(&file_url(&participant().join(
        "management-is-a-separate-skill/learning-your-people.html",
    )));
    let wrap = b.eval(
        "const w = document.querySelector('.table-wrap');
         return [w.scrollWidth > w.clientWidth, getComputedStyle(w).backgroundImage.split('radial-gradient').length - 1];",
    );
    assert_eq!(wrap, serde_json::json!([true, 2]), "the table's frame");
    // The catalogue's filters leave room for the first exercise on the
    // first screen.
    b.goto(&file_url(&participant().join("exercises/index.html")));
    let first_card = b
        .eval("return document.querySelector('#hb-catalogue > li').getBoundingClientRect().top;")
        .as_f64()
        .unwrap();
    assert!(
        first_card < 520.0,
        "the first exercise starts at {first_card} px"
    );
    b.goto(&file_url(&participant().join("how-to-use.html")));
    assert_eq!(
        b.eval("return getComputedStyle(document.getElementById('hb-sidebar')).display;"),
        "none"
    );
    b.click("#hb-menu-toggle");
    assert_eq!(
        b.eval("return getComputedStyle(document.getElementById('hb-sidebar')).display;"),
        "block"
    );
    assert_eq!(
        b.eval("return document.getElementById('hb-menu-toggle').getAttribute('aria-expanded');"),
        "true"
    );
    // The drawer starts below the header, reaches the bottom of the
    // screen, and its first link can be tapped.
    let drawer = b.eval(
        "var s = document.getElementById('hb-sidebar').getBoundingClientRect();
         var h = document.querySelector('.hb-header').getBoundingClientRect();
         var a = document.querySelector('#hb-sidebar a').getBoundingClientRect();
         var hit = document.elementFromPoint(a.left + 4, a.top + 4);
         return [s.top >= h.bottom - 1, Math.abs(s.bottom - innerHeight) < 2,
                 !!hit && hit.closest('#hb-sidebar') !== null];",
    );
    assert_eq!(drawer, serde_json::json!([true, true, true]), "drawer");
    b.press(keys::ESCAPE);
    // A heading opened by its anchor shows below the header, not under it.
    b.goto(&format!(
        "{}#the-super-contributor",
        file_url(
            &participant()
                .join("management-is-a-separate-skill/failure-modes-of-new-managers.html")
        )
    ));
    b.wait_for(
        "document.getElementById('the-super-contributor').getBoundingClientRect().top >= document.querySelector('.hb-header').getBoundingClientRect().bottom",
        "the heading to show below the header",
    );
    // The facilitator run-sheet is one card per session: nothing to
    // scroll sideways, the notes in view, each value named.
    b.goto(&file_url(&site().1.join("workshops/half-day.html")));
    assert_eq!(
        b.eval("return document.documentElement.scrollWidth <= window.innerWidth;"),
        true,
        "the run-sheet page scrolls sideways"
    );
    let fits = b.eval(
        "const w = document.querySelector('.table-wrap');
         const notes = [...document.querySelectorAll('.hb-runsheet td[data-label=Notes]')]
             .filter(td => td.textContent.trim());
         return [w.scrollWidth <= w.clientWidth,
                 notes.length > 0 && notes.every(td => td.getBoundingClientRect().right <= innerWidth),
                 getComputedStyle(notes[0], '::before').content];",
    );
    assert_eq!(
        fits,
        serde_json::json!([true, true, "\"Notes: \""]),
        "run-sheet cards"
    );
    // On paper, however narrow, it stays a table.
    let row = "return getComputedStyle(document.querySelector('.hb-runsheet tbody tr')).display;";
    b.emulate_media("print");
    let printed = b.eval(row);
    b.emulate_media("");
    assert_eq!(printed, "table-row", "the printed run-sheet");
    assert_eq!(b.eval(row), "block", "back on screen");
}

/// The search box names its "/" shortcut where there is a keyboard, and
/// not on a touch screen (headless Chromium reports no hover, as a phone
/// does; emulating a mouse is not supported there).
#[test]
fn the_search_shortcut_is_offered_only_with_a_keyboard() {
    let page = participant().join("index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains(r#"placeholder="Search ( / )""#), "as served");
    let b = browser();
    b.goto(&file_url(&page));
    let seen = b.eval(
        "return [matchMedia('(hover: none)').matches, document.getElementById('hb-search-input').placeholder];",
    );
    let expected = if seen[0] == true {
        "Search"
    } else {
        "Search ( / )"
    };
    assert_eq!(seen[1], expected, "{seen}");
    b.emulate_media_features("", &[("hover", "none")]);
    let touch = b.eval("return document.getElementById('hb-search-input').placeholder;");
    b.emulate_media_features("", &[]);
    assert_eq!(touch, "Search");
}

/// "On this page" marks the section in view as the reader scrolls.
#[test]
fn on_this_page_follows_the_reading() {
    let b = browser();
    let page = "management-is-a-separate-skill/failure-modes-of-new-managers.html";
    b.goto(&format!(
        "{}#the-super-contributor",
        file_url(&participant().join(page))
    ));
    b.wait_for(
        "(document.querySelector('.hb-toc a.hb-active') || {}).getAttribute && document.querySelector('.hb-toc a.hb-active').getAttribute('href') === '#the-super-contributor'",
        "the section opened to be marked",
    );
    b.eval("window.scrollTo(0, 0); return 0;");
    b.wait_for(
        "document.querySelector('.hb-toc a.hb-active') === null",
        "no mark above the first section",
    );
    b.eval("window.scrollTo(0, document.documentElement.scrollHeight); return 0;");
    b.wait_for(
        "(function () { var a = document.querySelectorAll('.hb-toc a'); return document.querySelectorAll('.hb-toc a.hb-active').length === 1 && a[a.length - 1].classList.contains('hb-active'); })()",
        "the last section to be marked at the end",
    );
    no_js_errors(&b, page);
}

/// A page outside the table of contents (an exercise) keeps its own
/// links above the tree, which opens at the lesson it belongs to.
#[test]
fn exercise_pages_keep_their_place_in_the_navigation() {
    let b = browser();
    b.goto(&file_url(&participant().join("exercises/time-ledger.html")));
    b.wait_for("document.querySelector('.hb-tree')", "the navigation tree");
    assert!(b.text(".hb-nav-context").contains("Back to the lesson"));
    let open = b.eval(
        "return Array.from(document.querySelectorAll('.hb-tree button[aria-expanded=true]'))
           .map(function (x) { return x.getAttribute('aria-label'); });",
    );
    assert_eq!(
        open,
        serde_json::json!(["Collapse Management Is a Separate Skill"])
    );
    no_js_errors(&b, "exercises/time-ledger.html");
}

#[test]
fn skip_link_comes_first_and_focus_is_visible() {
    let b = browser();
    b.goto(&file_url(&participant().join("how-to-use.html")));
    b.press(keys::TAB);
    assert_eq!(
        b.eval("return document.activeElement.className;"),
        "hb-skip"
    );
    let outline = b.eval("return getComputedStyle(document.activeElement).outlineStyle;");
    assert_eq!(outline, "solid", "focus is visible");
    b.press(keys::ENTER);
    b.wait_for(
        "document.activeElement.id === 'hb-main'",
        "focus to move to the main content",
    );
}

/// A page far down the contents shows its own entry in the sidebar, and
/// bringing it into view leaves the first Tab where it belongs: on the skip
/// link, not after the entry.
#[test]
fn the_current_entry_is_in_view_and_tab_still_starts_at_the_top() {
    let b = browser();
    b.set_window_size(1280, 420);
    b.goto(&file_url(
        &participant().join("learning-what-your-staff-do/the-payoff.html"),
    ));
    let seen = b.eval(IN_VIEW);
    assert_eq!(
        seen,
        serde_json::json!([true, true]),
        "scrolled, and in view"
    );
    b.press(keys::TAB);
    assert_eq!(
        b.eval("return document.activeElement.className;"),
        "hb-skip"
    );
    // On a phone the contents are a drawer, hidden at load: the entry is
    // brought into view when it opens.
    b.set_window_size(400, 500);
    b.goto(&file_url(
        &participant().join("learning-what-your-staff-do/the-payoff.html"),
    ));
    b.click("#hb-menu-toggle");
    assert_eq!(
        b.eval(IN_VIEW),
        serde_json::json!([true, true]),
        "in the drawer"
    );
    no_js_errors(&b, "learning-what-your-staff-do/the-payoff.html");
    // Opened again after the reader scrolled the drawer past the entry.
    let first = "management-is-a-separate-skill/from-doing-to-enabling.html";
    b.goto(&file_url(&participant().join(first)));
    b.click("#hb-menu-toggle");
    b.eval(
        "var p = document.getElementById('hb-sidebar'); p.scrollTop = p.scrollHeight; return 0;",
    );
    assert_eq!(b.eval(IN_VIEW)[1], false, "scrolled past the entry");
    b.click("#hb-menu-toggle");
    b.click("#hb-menu-toggle");
    assert_eq!(b.eval(IN_VIEW)[1], true, "back in view on reopening");
    no_js_errors(&b, first);
}

/// Whether the sidebar is scrolled, and its current entry is within it.
const IN_VIEW: &str =
    "var e = document.querySelector('#hb-sidebar [aria-current=\"page\"]').getBoundingClientRect();\
     var p = document.getElementById('hb-sidebar');\
     var v = p.getBoundingClientRect();\
     return [p.scrollTop > 0, e.top >= v.top && e.bottom <= v.bottom];";

#[test]
fn catalogue_filters_combine_count_and_live_in_the_url() {
    let b = browser();
    let url = file_url(&participant().join("exercises/index.html"));
    b.goto(&url);
    let total = b.count("#hb-catalogue > li");
    assert!(total >= 9);
    let visible = |b: &Browser| {
        b.eval("return Array.from(document.querySelectorAll('#hb-catalogue > li')).filter(li => !li.hidden).length;").as_u64().unwrap() as usize
    };
    assert_eq!(visible(&b), total);
    b.eval("const s = document.querySelector('#hb-filters [name=kind]'); s.value = 'reflection'; s.dispatchEvent(new Event('change', {bubbles: true})); return 0;");
    let reflections = visible(&b);
    assert!(reflections >= 2 && reflections < total);
    assert_eq!(
        b.text("#hb-filter-count"),
        format!("{reflections} of {total} exercises match")
    );
    assert!(b.url().ends_with("?kind=reflection"), "{}", b.url());
    // The other lists count what each choice would show now, and a
    // choice that would show nothing cannot be taken; the kind list
    // still counts every kind.
    let counts = b.eval(
        "const cards = [...document.querySelectorAll('#hb-catalogue > li')];
         const of = (name, attr, kind) => [...document.querySelector(`#hb-filters [name=${name}]`).options]
           .filter(o => o.value)
           .map(o => {
             const n = cards.filter(c => (!kind || c.dataset.kind === kind) && c.getAttribute(attr).split('|').includes(o.value)).length;
             return [o.textContent.endsWith(` (${n})`), o.disabled === (n === 0)];
           });
         return [of('difficulty', 'data-difficulty', 'reflection'), of('competency', 'data-competencies', 'reflection'), of('kind', 'data-kind', '')];",
    );
    for list in counts.as_array().unwrap() {
        for o in list.as_array().unwrap() {
            assert_eq!(o, &serde_json::json!([true, true]), "{counts}");
        }
    }
    assert!(
        b.eval(
            "return [...document.querySelectorAll('#hb-filters option')].some(o => o.disabled);"
        )
        .as_bool()
        .unwrap(),
        "some choice would show no reflection"
    );
    // Combined with a duration range.
    b.send_keys("#hb-filters [name=max]", "20");
    let short = visible(&b);
    assert!(short < reflections, "max=20 narrows the reflections");
    assert!(b.url().contains("kind=reflection") && b.url().contains("max=20"));
    // A shared URL restores the same view.
    b.goto(&format!("{url}?kind=role-play&max=45"));
    assert_eq!(
        b.eval("return document.querySelector('#hb-filters [name=kind]').value;"),
        "role-play"
    );
    let shown: Vec<String> = serde_json::from_value(b.eval("return Array.from(document.querySelectorAll('#hb-catalogue > li')).filter(li => !li.hidden).map(li => li.dataset.kind + ':' + li.dataset.duration);")).unwrap();
    assert!(!shown.is_empty());
    for s in &shown {
        let (kind, d) = s.split_once(':').unwrap();
        assert!(
            kind == "role-play" && d.parse::<u32>().unwrap() <= 45,
            "{s}"
        );
    }
    // A value the catalogue does not have is ignored and leaves the
    // address; other parameters stay.
    b.goto(&format!("{url}?kind=bogus&max=45&q=team"));
    b.wait_for(
        "location.search === '?max=45&q=team'",
        "the unknown kind to leave the address",
    );
    assert_eq!(
        b.eval("return document.querySelector('#hb-filters [name=kind]').value;"),
        ""
    );
    // Nothing matches: say so.
    b.goto(&format!("{url}?kind=quiz&min=500"));
    assert_eq!(visible(&b), 0);
    assert!(!b
        .eval("return document.getElementById('hb-no-match').hidden;")
        .as_bool()
        .unwrap());
    // The duration boxes are named for what they hold.
    assert_eq!(
        b.eval("return ['min', 'max'].map(n => document.querySelector(`#hb-filters [name=${n}]`).labels[0].textContent.trim());"),
        serde_json::json!(["At least (minutes)", "At most (minutes)"])
    );
    no_js_errors(&b, "exercises/index.html");
}

#[test]
fn quiz_scores_explains_and_remembers() {
    let b = browser();
    let url = file_url(&participant().join("exercises/key-ideas-quiz.html"));
    b.goto(&url);
    b.eval("localStorage.clear(); return 0;");
    b.goto(&url);
    // Answer the first question wrongly, then rightly.
    let answer: Vec<u32> = b
        .eval(
            "return document.querySelector('.hb-question').dataset.answer.split(',').map(Number);",
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u32)
        .collect();
    let choices = b.count(".hb-question:first-of-type .hb-choice");
    let wrong = (1..=choices as u32).find(|c| !answer.contains(c)).unwrap();
    b.click(&format!(
        ".hb-question:first-of-type input[value='{wrong}']"
    ));
    b.click(".hb-question:first-of-type button[type=submit]");
    b.wait_for(
        "!document.querySelector('.hb-question .hb-feedback').hidden",
        "feedback to show",
    );
    assert!(b
        .text(".hb-question:first-of-type .hb-verdict")
        .starts_with("Not quite."));
    assert!(b.eval("return document.querySelector('.hb-question .hb-explanation') !== null && document.querySelector('.hb-question .hb-explanation').offsetParent !== null;").as_bool().unwrap(), "the explanation shows");
    for a in &answer {
        b.click(&format!(".hb-question:first-of-type input[value='{a}']"));
    }
    // Radio buttons replace the choice; checkboxes need the wrong one unticked.
    b.eval(&format!("const i = document.querySelector(\".hb-question input[value='{wrong}']\"); if (i.type === 'checkbox' && i.checked) i.click(); return 0;"));
    b.click(".hb-question:first-of-type button[type=submit]");
    assert_eq!(b.text(".hb-question:first-of-type .hb-verdict"), "Correct.");
    assert!(b.text(".hb-quiz-score").starts_with("Score: 1 of"));
    // Remembered across a reload.
    b.goto(&url);
    assert_eq!(b.text(".hb-question:first-of-type .hb-verdict"), "Correct.");
    assert!(b.text(".hb-quiz-score").starts_with("Score: 1 of"));
    b.click(".hb-quiz-reset");
    assert_eq!(b.text(".hb-quiz-score"), "");
    // A question with several correct choices names them as one list.
    let verdict = b.eval(
        "const f = [...document.querySelectorAll('.hb-question')].find(f => f.dataset.answer.includes(','));\
         const right = f.dataset.answer.split(',');\
         const wrong = [...f.querySelectorAll('input')].find(i => !right.includes(i.value));\
         wrong.click(); f.querySelector('button[type=submit]').click();\
         return [right.length, f.querySelector('.hb-verdict').textContent];",
    );
    let n = verdict[0].as_u64().unwrap();
    let text = verdict[1].as_str().unwrap();
    assert!(
        n >= 3,
        "the sample has a question with three correct choices"
    );
    assert!(
        text.starts_with("Not quite. The correct answers are \u{201C}"),
        "{text}"
    );
    assert_eq!(text.matches("\u{201D} and \u{201C}").count(), 1, "{text}");
    assert_eq!(
        text.matches("\u{201D}, \u{201C}").count(),
        n as usize - 2,
        "{text}"
    );
    no_js_errors(&b, "exercises/key-ideas-quiz.html");
}

#[test]
fn facilitator_edition_pages_have_no_js_errors() {
    let root = &site().1;
    let b = browser();
    for page in [
        "index.html",
        "workshops/half-day.html",
        "workshops/half-day/print.html",
        "exercises/handover-by-intent.html",
        "leading-through-a-clear-mission/delegating-through-intent.html",
    ] {
        b.goto(&file_url(&root.join(page)));
        b.wait_for("document.readyState === 'complete'", "load");
        no_js_errors(&b, page);
    }
    b.goto(&file_url(&root.join("workshops/half-day.html")));
    assert!(b.text("main").contains("Run-sheet"));
    // The run-sheet's folded exercise notes print open, and fold again after.
    let closed = "return document.querySelectorAll('.hb-runsheet details:not([open])').length;";
    let folded = b.eval(closed).as_u64().unwrap();
    assert!(folded > 0, "the sample run-sheet has exercise notes");
    b.eval("window.dispatchEvent(new Event('beforeprint')); return 0;");
    assert_eq!(b.eval(closed).as_u64().unwrap(), 0, "open while printing");
    b.eval("window.dispatchEvent(new Event('afterprint')); return 0;");
    assert_eq!(b.eval(closed).as_u64().unwrap(), folded, "folded after");
}

/// The sample's header links say where they go: none reads like the
/// handbook's own title beside it.
#[test]
fn header_links_are_told_apart_from_the_title() {
    let b = browser();
    b.goto(&file_url(&participant().join("index.html")));
    let texts = b.eval(
        "return [document.querySelector('.hb-brand').textContent.trim(),
                 [...document.querySelectorAll('.hb-top-links a')].map(a => a.textContent.trim())];",
    );
    let title = texts[0].as_str().unwrap().to_lowercase();
    let links: Vec<String> = serde_json::from_value(texts[1].clone()).unwrap();
    assert!(links.len() >= 2, "{links:?}");
    for link in &links {
        assert_ne!(link.to_lowercase(), title, "{links:?}");
    }
}

/// The Draft badge is drawn in the caution colour, border and all: the
/// rule for every item of a page's meta line must not win over it.
#[test]
fn the_draft_badge_is_drawn_as_a_badge() {
    let book = fixture::Book::new()
        .file("content/wip.md", "---\ntitle: WIP\ndraft: true\n---\n")
        .file("content/done.md", "---\ntitle: Done\nduration: 5\n---\n");
    book.run(&["build", ".", "--drafts"]).ok();
    let b = browser();
    b.goto(&file_url(&book.out("wip.html")));
    let style = |sel: &str| {
        b.eval(&format!(
            "const s = getComputedStyle(document.querySelector('{sel}')); \
             return [s.color, s.borderTopColor, s.fontWeight];"
        ))
    };
    let badge = style(".hb-draft");
    assert_eq!(badge[0], badge[1], "border in the text's colour: {badge}");
    assert_eq!(badge[2], "600", "{badge}");
    no_js_errors(&b, "wip.html");
    b.goto(&file_url(&book.out("done.html")));
    let plain = style(".hb-meta li");
    assert_ne!(plain[0], badge[0], "unlike a plain item: {plain} {badge}");
}

/// The header fits every width, in the edition with the most in it (the
/// sample's facilitator edition: a badge and a long workshop link): the
/// search box keeps room to type, the site links give way first, the
/// results open inside the window, and the edition stays in sight on a
/// phone.
#[test]
fn the_header_fits_from_phone_to_desktop() {
    let b = browser();
    for width in [390, 770, 900, 1024, 1100, 1280] {
        b.set_window_size(width, 700);
        b.goto(&file_url(&site().1.join("index.html")));
        b.eval("const i = document.getElementById('hb-search-input'); i.focus(); i.value = 'feedback'; i.dispatchEvent(new Event('input')); return 0;");
        b.wait_for(
            "document.querySelectorAll('#hb-search-results [role=option]').length > 0",
            "results",
        );
        let m = b.eval(
            "const r = s => document.querySelector(s).getBoundingClientRect();
             const badge = r('.hb-edition-badge');
             return { scroll: document.documentElement.scrollWidth, inner: innerWidth,
                      input: r('#hb-search-input').width, title: r('.hb-brand span').width,
                      titleWhole: (t => t.scrollWidth <= t.clientWidth)(document.querySelector('.hb-brand span')),
                      panelLeft: r('#hb-search-panel').left, panelRight: r('#hb-search-panel').right,
                      badge: badge.width > 0 && badge.right <= innerWidth,
                      links: [...document.querySelectorAll('.hb-top-links a')]
                          .map(a => a.getBoundingClientRect().width) };",
        );
        let f = |k: &str| m[k].as_f64().unwrap();
        assert!(f("scroll") <= f("inner"), "{width}: scrolls sideways: {m}");
        assert!(f("input") >= 150.0, "{width}: search box too small: {m}");
        assert!(f("title") >= 100.0, "{width}: title squeezed: {m}");
        assert!(
            f("panelLeft") >= 0.0 && f("panelRight") <= f("inner"),
            "{width}: results outside the window: {m}"
        );
        assert_eq!(m["badge"], true, "{width}: no edition badge: {m}");
        if width >= 1024 {
            // The site links and the search box give way before the title.
            assert_eq!(m["titleWhole"], true, "{width}: title cut: {m}");
        }
        if width > 760 {
            // Every site link can still be seen and clicked.
            let links = m["links"].as_array().unwrap();
            assert!(links.len() >= 2, "{m}");
            assert!(
                links.iter().all(|w| w.as_f64().unwrap() >= 60.0),
                "{width}: {m}"
            );
        }
    }
    // A handbook with no exercises or workshops has no site links, and
    // they keep no room: the search box has it.
    let book = fixture::Book::new().lesson("a.md", "A", "Text.\n");
    book.build().ok();
    b.set_window_size(800, 700);
    b.goto(&file_url(&book.out("index.html")));
    let widths = b.eval(
        "return [document.querySelector('.hb-top-links').getBoundingClientRect().width,
                 document.getElementById('hb-search-input').getBoundingClientRect().width];",
    );
    assert!(widths[0].as_f64().unwrap() < 10.0, "{widths}");
    assert!(widths[1].as_f64().unwrap() >= 300.0, "{widths}");
    // Three workshops or more are one link to the list of them: each
    // link reads whole on a tablet.
    let mut book = fixture::Book::new().lesson("a.md", "A", "Text.\n");
    for w in ["one", "two", "three"] {
        book = book.file(
            &format!("content/workshops/{w}.yaml"),
            format!("title: The {w} day workshop for new managers\nstart: \"09:00\"\nsessions:\n  - lesson: a\n    duration: 30\n"),
        );
    }
    book.build().ok();
    b.goto(&file_url(&book.out("index.html")));
    let links = b.eval(
        "return [...document.querySelectorAll('.hb-top-links a')].map(a =>
             [a.textContent, a.scrollWidth <= a.clientWidth,
              a.getBoundingClientRect().right <= document.querySelector('.hb-top-links').getBoundingClientRect().right]);",
    );
    assert_eq!(
        links,
        serde_json::json!([["Workshops", true, true]]),
        "{links}"
    );
    b.click(".hb-top-links a");
    b.wait_for(
        "location.hash === '#hb-all-workshops' && document.querySelectorAll('#hb-all-workshops + ul a').length === 3",
        "the list of workshops",
    );
}
