//! Search in real headless Chromium, on the built sample handbook, from disk
//! (`file://`) and over `http://`: typing, typos, phrases, the keyboard,
//! `?q=` links, filters, highlighting on the target page, hostile content
//! and queries, and no JavaScript errors on any page.
//!
//! Every wait is on a condition in the page; nothing sleeps.

mod fixture;
mod support;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use support::browser::{browser, file_url, keys, Browser};
use support::http::StaticServer;

/// The sample handbook built once: (participant, facilitator).
fn site() -> &'static (PathBuf, PathBuf) {
    fixture::sample_site()
}

fn participant() -> &'static Path {
    &site().0
}

fn server() -> &'static StaticServer {
    static S: OnceLock<StaticServer> = OnceLock::new();
    S.get_or_init(|| StaticServer::start(participant()))
}

/// The sample page at `rel` (which may end in `?query`), over `file://` or `http://`.
fn url(http: bool, rel: &str) -> String {
    if http {
        server().url(&format!("/{rel}"))
    } else {
        let (path, query) = rel
            .split_once('?')
            .map_or((rel, None), |(p, q)| (p, Some(q)));
        let u = file_url(&participant().join(path));
        match query {
            Some(q) => format!("{u}?{q}"),
            None => u,
        }
    }
}

#[track_caller]
fn no_js_errors(b: &Browser, page: &str) {
    let errors = b.js_errors();
    assert!(errors.is_empty(), "JavaScript errors on {page}: {errors:?}");
}

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

const OPTIONS: &str = "#hb-search-results [role=option]";

/// Types into the header box and waits for the list to answer.
fn type_query(b: &Browser, q: &str) {
    b.send_keys("#hb-search-input", q);
    b.wait_for(
        &format!(
            "document.getElementById('hb-search-input').value === {} && window.__hbSearchApi.last && window.__hbSearchApi.last.query === {}",
            js(q),
            js(q)
        ),
        "the results for the typed query",
    );
}

/// Titles of the results shown in the header list.
fn shown_titles(b: &Browser) -> Vec<String> {
    serde_json::from_value(b.eval(&format!(
        "return Array.from(document.querySelectorAll('{OPTIONS} .hb-result-title')).map(e => e.textContent)"
    )))
    .unwrap()
}

/// Runs a query through the page's search API: [{type, title, url, anchor, crumbs, head, body}].
fn api_search(b: &Browser, q: &str, opts: &str) -> Vec<Value> {
    let v = b.eval(&format!(
        "return window.__hbSearchApi.search({}, {opts}).then(o => o.results)",
        js(q)
    ));
    v.as_array().cloned().unwrap_or_default()
}

#[test]
fn typing_shows_results_from_disk_and_over_http() {
    let b = browser();
    for http in [false, true] {
        b.goto(&url(http, "index.html"));
        type_query(&b, "shadowing");
        assert_eq!(
            b.eval(
                "return document.getElementById('hb-search-input').getAttribute('aria-expanded')"
            ),
            "true"
        );
        let titles = shown_titles(&b);
        assert!(!titles.is_empty(), "no results (http: {http})");
        assert!(
            titles[..3]
                .iter()
                .any(|t| t.to_lowercase().contains("shadowing")),
            "{titles:?}"
        );
        // Each result: a type, breadcrumbs and a snippet with the words marked.
        let first = b.eval(&format!(
            "const li = document.querySelector('{OPTIONS}');
             return {{ type: li.querySelector('.hb-result-type').textContent,
                      crumbs: li.querySelector('.hb-result-crumbs').textContent,
                      marks: Array.from(li.querySelectorAll('.hb-result-snippet mark')).map(m => m.textContent.toLowerCase()),
                      href: li.querySelector('a').getAttribute('href') }}"
        ));
        assert!(
            ["Section", "Lesson", "Exercise"].contains(&first["type"].as_str().unwrap()),
            "{first}"
        );
        assert!(
            first["crumbs"]
                .as_str()
                .unwrap()
                .contains("Learning What Your Staff"),
            "{first}"
        );
        assert!(
            first["marks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m.as_str().unwrap().starts_with("shadow")),
            "{first}"
        );
        assert!(first["href"].as_str().unwrap().contains("?hl="), "{first}");
        let status = b.text("#hb-search-status");
        assert!(status.contains("result"), "{status}");
        // Results follow the typing: more letters, new list.
        b.send_keys("#hb-search-input", " plan");
        b.wait_for(
            "window.__hbSearchApi.last && window.__hbSearchApi.last.query === 'shadowing plan'",
            "the list to follow the typing",
        );
        let titles = shown_titles(&b);
        assert!(
            titles.iter().any(|t| t == "Plan a half-day of shadowing"),
            "{titles:?}"
        );
        // One or two letters are not yet a search: the status says so
        // rather than that nothing matches.
        b.eval("const i = document.getElementById('hb-search-input'); i.value = ''; i.dispatchEvent(new Event('input')); return 0;");
        type_query(&b, "mi");
        assert_eq!(
            b.text("#hb-search-status"),
            "No results yet: type at least three letters"
        );
        no_js_errors(&b, if http { "http" } else { "file" });
    }
}

#[test]
fn a_misspelled_query_finds_the_right_lesson() {
    let b = browser();
    for http in [false, true] {
        b.goto(&url(http, "index.html"));
        // "delegating" with two letters swapped; "observaton" missing a letter.
        for (q, want) in [
            ("delegatnig", "Delegating through intent"),
            ("observaton focus groups", "Observation and focus groups"),
        ] {
            let r = api_search(&b, q, "{limit: 5}");
            let titles: Vec<&str> = r.iter().map(|x| x["title"].as_str().unwrap()).collect();
            assert!(titles[..3].contains(&want), "{q}: {titles:?}");
        }
        no_js_errors(&b, "typo queries");
    }
}

#[test]
fn quoted_phrases_match_only_as_phrases() {
    let b = browser();
    b.goto(&url(false, "index.html"));
    let tokens = |s: &str| -> String {
        let v = b.eval(&format!(
            "return window.__hbSearchApi.tokens({}).filter(Boolean).join(' ')",
            js(s)
        ));
        v.as_str().unwrap().to_string()
    };
    for (q, phrase) in [
        ("\"clear mission\"", "clear mission"),
        ("\"watching the work\"", "watching the work"),
    ] {
        let r = api_search(&b, q, "{limit: 50}");
        assert!(!r.is_empty(), "{q}");
        for x in &r {
            let text = format!("{} {} {}", x["title"], x["head"], x["body"]);
            assert!(
                tokens(&text).contains(phrase),
                "{q} matched {} without the phrase",
                x["title"]
            );
        }
        // Unquoted, the same words also match pages without the phrase.
        let loose = api_search(&b, &q.replace('"', ""), "{limit: 50}");
        assert!(
            loose.iter().any(|x| {
                let text = format!("{} {} {}", x["title"], x["head"], x["body"]);
                !tokens(&text).contains(phrase)
            }),
            "{q}: the unquoted words found only phrase matches"
        );
    }
    // Words that exist but never side by side.
    assert!(api_search(&b, "\"mission shadowing\"", "{}").is_empty());
    // Hyphenated words are a phrase too, quoted or not ("one-to-one" is
    // not every page with "one"; as in any phrase, its stop word holds a
    // place for any word), and the last word, while it is typed (three
    // letters or more), matches the words it begins.
    let count = |q: &str| api_search(&b, q, "{limit: 200}").len();
    let hyphenated = count("one-to-one ");
    assert!(hyphenated > 0, "one-to-one");
    assert_eq!(hyphenated, count("\"one to one\""));
    assert!(
        hyphenated < count("one to one"),
        "one-to-one as loose words"
    );
    assert_eq!(count("self-awa"), count("self-awareness "));
    assert!(count("self-awa") > 0);
    // A short last word is a word like any other ("wi-fi", "covid-19"):
    // no document has "one" two words before "o".
    assert_eq!(count("one-to-o"), 0);
    // Stop words alone, hyphenated, are loose words as they are unjoined.
    assert!(count("to do") > 0);
    assert_eq!(count("to-do"), count("to do"));
    no_js_errors(&b, "phrases");
}

#[test]
fn the_keyboard_drives_the_list() {
    let b = browser();
    b.goto(&url(
        false,
        "management-is-a-separate-skill/learning-your-people.html",
    ));
    b.press("/");
    b.wait_for(
        "document.activeElement.id === 'hb-search-input'",
        "`/` to focus the box",
    );
    b.eval("document.activeElement.blur()");
    b.press("s");
    b.wait_for(
        "document.activeElement.id === 'hb-search-input'",
        "`s` to focus the box",
    );
    assert_eq!(
        b.eval("return document.getElementById('hb-search-input').value"),
        ""
    );
    type_query(&b, "mission");
    assert!(b.count(OPTIONS) >= 3);
    let active = "document.getElementById('hb-search-input').getAttribute('aria-activedescendant')";
    b.press(keys::ARROW_DOWN);
    b.wait_for(
        &format!("{active} === 'hb-search-option-0'"),
        "the first option to be active",
    );
    assert_eq!(
        b.eval(
            "return document.getElementById('hb-search-option-0').getAttribute('aria-selected')"
        ),
        "true"
    );
    b.press(keys::ARROW_DOWN);
    b.wait_for(
        &format!("{active} === 'hb-search-option-1'"),
        "the second option to be active",
    );
    assert_eq!(
        b.eval(
            "return document.getElementById('hb-search-option-0').getAttribute('aria-selected')"
        ),
        "false"
    );
    b.press(keys::ARROW_UP);
    b.wait_for(
        &format!("{active} === 'hb-search-option-0'"),
        "the first option again",
    );
    // Escape closes the list and keeps the text.
    b.press(keys::ESCAPE);
    b.wait_for(
        "document.getElementById('hb-search-panel').hidden",
        "Escape to close the list",
    );
    assert_eq!(
        b.eval("return document.getElementById('hb-search-input').getAttribute('aria-expanded')"),
        "false"
    );
    assert_eq!(
        b.eval("return document.getElementById('hb-search-input').value"),
        "mission"
    );
    // Down opens it again; Enter opens the active result.
    b.press(keys::ARROW_DOWN);
    b.wait_for(
        "!document.getElementById('hb-search-panel').hidden",
        "Down to reopen the list",
    );
    b.wait_for(
        &format!("document.querySelectorAll('{OPTIONS}').length > 0"),
        "results",
    );
    b.press(keys::ARROW_DOWN);
    b.wait_for(
        &format!("{active} === 'hb-search-option-0'"),
        "the first option to be active",
    );
    let href = b.eval("return document.querySelector('#hb-search-option-0 a').href");
    let href = href.as_str().unwrap().to_string();
    b.press(keys::ENTER);
    b.wait_for(
        &format!("location.href === {}", js(&href)),
        "Enter to open the result",
    );
    // The target page marks the words.
    b.wait_for(
        "document.querySelectorAll('#hb-main mark.hb-highlight').length > 0",
        "the search words to be highlighted",
    );
    let marked = b.eval("return Array.from(document.querySelectorAll('#hb-main mark.hb-highlight')).map(m => m.textContent.toLowerCase())");
    assert!(
        marked
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m.as_str().unwrap().starts_with("mission")),
        "{marked}"
    );
    no_js_errors(&b, "keyboard");
}

#[test]
fn q_links_open_search_prefilled() {
    let b = browser();
    for http in [false, true] {
        // Any page: the header box, open.
        b.goto(&url(http, "how-to-use.html?q=motivation%20map"));
        b.wait_for(
            &format!("document.querySelectorAll('{OPTIONS}').length > 0"),
            "?q= results in the header",
        );
        assert_eq!(
            b.eval("return document.getElementById('hb-search-input').value"),
            "motivation map"
        );
        assert_eq!(shown_titles(&b)[0], "Motivation-mapping one-to-one");
        // The search page: the full list, with filters in the address.
        b.goto(&url(http, "search.html?q=shadowing"));
        b.wait_for(
            "document.querySelectorAll('.hb-search-page-results li').length > 0",
            "the search page's results",
        );
        assert_eq!(
            b.eval("return document.getElementById('hb-search-page-input').value"),
            "shadowing"
        );
        // `/` on the search page goes to its own box, not the header's.
        b.eval("document.activeElement.blur()");
        b.press("/");
        b.wait_for(
            "document.activeElement.id === 'hb-search-page-input'",
            "`/` to focus the search page's box",
        );
        b.goto(&url(http, "search.html?q=shadowing&scope=exercise"));
        b.wait_for(
            "document.querySelectorAll('.hb-search-page-results li').length > 0",
            "filtered results",
        );
        let types = b.eval("return Array.from(document.querySelectorAll('.hb-search-page-results .hb-result-type')).map(e => e.textContent)");
        assert!(
            types.as_array().unwrap().iter().all(|t| t == "Exercise"),
            "{types}"
        );
        no_js_errors(&b, "?q=");
    }
}

#[test]
fn filters_keep_lessons_exercises_or_one_chapter() {
    let b = browser();
    b.goto(&url(false, "index.html"));
    let all = api_search(&b, "team", "{limit: 100}");
    let ex = api_search(&b, "team", "{limit: 100, scope: 'exercise'}");
    let lessons = api_search(&b, "team", "{limit: 100, scope: 'lesson'}");
    assert!(!ex.is_empty() && !lessons.is_empty());
    assert!(ex.iter().all(|r| r["type"] == "exercise"));
    assert!(lessons
        .iter()
        .all(|r| r["type"] != "exercise" && r["type"] != "workshop"));
    // The workshop's agenda is in neither: only in everything.
    let workshops = all.iter().filter(|r| r["type"] == "workshop").count();
    assert_eq!(workshops, 1, "{all:?}");
    assert_eq!(ex.len() + lessons.len() + workshops, all.len());
    // A word only its agenda has finds the workshop, shown as one.
    type_query(&b, "coffee");
    let shown = b.eval(&format!(
        "return Array.from(document.querySelectorAll('{OPTIONS}')).map(li =>
           [li.querySelector('.hb-result-type').textContent, li.querySelector('.hb-result-title').textContent,
            li.querySelector('a').getAttribute('href')])"
    ));
    assert_eq!(
        shown,
        serde_json::json!([[
            "Workshop",
            "Half-day workshop for new managers",
            "workshops/half-day.html?hl=coffee"
        ]])
    );
    b.eval("const i = document.getElementById('hb-search-input'); i.value = ''; i.dispatchEvent(new Event('input'));");
    // The second chapter of the filter list.
    let in_second = api_search(&b, "team", "{limit: 100, chapter: '1'}");
    assert!(!in_second.is_empty());
    for r in &in_second {
        let chapter = if r["type"] == "chapter" {
            &r["title"]
        } else {
            &r["crumbs"][0]
        };
        assert_eq!(chapter, "Leading Through a Clear Mission", "{r}");
    }
    // In the header: choosing a filter updates the list.
    type_query(&b, "team");
    b.eval("const s = document.getElementById('hb-search-scope'); s.value = 'exercise'; s.dispatchEvent(new Event('change'));");
    b.wait_for(
        "Array.from(document.querySelectorAll('#hb-search-results .hb-result-type')).every(e => e.textContent === 'Exercise')",
        "the list to show exercises only",
    );
    assert!(b.count(OPTIONS) > 0);
    // The link to the search page takes the filter along.
    let more = b.eval("return document.querySelector('#hb-search-results .hb-result-more a').getAttribute('href')");
    assert!(
        more.as_str()
            .unwrap()
            .ends_with("search.html?q=team&scope=exercise"),
        "{more}"
    );
    no_js_errors(&b, "filters");
}

#[test]
fn degenerate_queries_give_no_results_and_no_errors() {
    let b = browser();
    b.goto(&url(false, "index.html"));
    let long = "x".repeat(10_000);
    let words = "zzqx ".repeat(2_000);
    for q in [
        "",
        "   ",
        "\"",
        "\"\"\"",
        "*-+()[]{}<>/\\\"'!?.,;:^~`|&%$#@",
        "- -- ---",
        long.as_str(),
        words.as_str(),
    ] {
        let r = api_search(&b, q, "{}");
        assert!(r.is_empty(), "{:?} found {r:?}", &q[..q.len().min(20)]);
        // And through the box, as a reader would.
        b.eval(&format!(
            "const i = document.getElementById('hb-search-input'); i.value = {}; i.dispatchEvent(new Event('input'));",
            js(q)
        ));
        if q.trim().is_empty() {
            b.wait_for(
                "document.getElementById('hb-search-panel').hidden",
                "an empty query to close the list",
            );
        } else {
            b.wait_for(
                "document.getElementById('hb-search-status').textContent === 'No results'",
                "“No results”",
            );
        }
        assert_eq!(b.count(OPTIONS), 0);
    }
    no_js_errors(&b, "degenerate queries");
}

#[test]
fn the_browser_tokenises_like_the_index() {
    let b = browser();
    b.goto(&url(false, "index.html"));
    let samples = [
        "Hello, world! It's a 75-percent test.",
        "role-play don’t 'quoted' words’",
        "Café NAÏVE Straße Ærø İstanbul ﬁnance Łódź",
        "Ελληνικός Σ Москва и Петербург",
        "日本語ですカタカナ 한국어 हिन्दी",
        "x².5 ½ ① Ⓐ ǅ ﬀ",
        "<img src=x onerror=alert(1)>\u{2028}\"quotes\"\\back",
        "supercalifragilisticexpialidocious-and-then-some-more-letters-here abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq",
    ];
    for s in samples {
        let rust: Vec<Option<String>> = handbook::search::text::tokens(s).collect();
        let browser = b.eval(&format!("return window.__hbSearchApi.tokens({})", js(s)));
        let browser: Vec<Option<String>> = serde_json::from_value(browser).unwrap();
        assert_eq!(browser, rust, "tokens of {s:?}");
    }
}

#[test]
fn no_javascript_errors_on_any_page() {
    let b = browser();
    for root in [participant(), &site().1] {
        let pages: Vec<PathBuf> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .map(|e| e.path().to_path_buf())
            .collect();
        assert!(pages.len() > 20);
        for p in pages {
            b.goto(&format!("{}?hl=mission+team", file_url(&p)));
            // The search script ran to its end on every page.
            b.wait_for(
                "window.__hbSearchApi && typeof window.__hbSearchApi.search === 'function'",
                "search.js",
            );
            no_js_errors(&b, &p.display().to_string());
        }
    }
}

#[test]
fn facilitator_text_is_searchable_only_in_the_facilitator_edition() {
    let b = browser();
    // From the motivation-map exercise's facilitator notes.
    let q = "\"protect its time\"";
    b.goto(&url(false, "index.html"));
    assert!(api_search(&b, q, "{}").is_empty(), "participant edition");
    b.goto(&file_url(&site().1.join("index.html")));
    let r = api_search(&b, q, "{}");
    assert_eq!(
        r.first().map(|x| x["title"].clone()),
        Some("Motivation-mapping one-to-one".into())
    );
    no_js_errors(&b, "facilitator");
}

#[test]
fn a_snippet_is_the_results_own_text() {
    let book = fixture::Book::new().chapter("01-ch", "Animals").file(
        "content/01-ch/01-gardens.md",
        "---\ntitle: Gardens\nsummary: How marmots dig their burrows.\n---\n\
             Intro text about soil.\n\n## Tools\n\nTools come in many kinds.\n\n\
             ### Spades for badgers\n\nSpades are sturdy and cheap.\n",
    );
    book.build().ok();
    let b = browser();
    b.goto(&file_url(&book.out("index.html")));
    let snippet = |q: &str, title: &str| {
        b.eval("const i = document.getElementById('hb-search-input'); i.value = ''; i.dispatchEvent(new Event('input'));");
        type_query(&b, q);
        let got = b.eval(&format!(
            "const li = Array.from(document.querySelectorAll('{OPTIONS}'))
               .find(li => li.querySelector('.hb-result-title').textContent === {});
             const s = li && li.querySelector('.hb-result-snippet');
             return s ? [s.textContent, Array.from(s.querySelectorAll('mark')).map(m => m.textContent)] : null",
            js(title)
        ));
        assert!(!got.is_null(), "{q}: no result {title}");
        (got[0].as_str().unwrap().to_string(), got[1].clone())
    };
    // Only the section's title matches: its own text, not the heading above it.
    let (text, marks) = snippet("badgers", "Spades for badgers");
    assert!(text.contains("Spades are sturdy"), "{text}");
    assert!(!text.contains("Tools"), "{text}");
    assert_eq!(marks, serde_json::json!([]));
    // Only the lesson's summary matches: the summary, marked.
    let (text, marks) = snippet("marmots", "Gardens");
    assert!(text.contains("How marmots dig"), "{text}");
    assert_eq!(marks, serde_json::json!(["marmots"]));
    no_js_errors(&b, "a fixture lesson");
}

/// A handbook whose headings, text and exercise titles carry script payloads.
fn hostile_book() -> &'static fixture::Book {
    static BOOK: OnceLock<fixture::Book> = OnceLock::new();
    BOOK.get_or_init(|| {
        let book = fixture::Book::new()
            .chapter("01-ch", "Chapter <img src=x onerror=window.__xss=1>")
            .lesson(
                "01-ch/01-evil.md",
                "Zebrafish <svg onload=window.__xss=2>",
                "Intro about zebrafish.\n\n\
                 ## Zebrafish <img src=x onerror=window.__xss=3>\n\n\
                 Zebrafish body ><svg onload=window.__xss=4> and <script>window.__xss=5</script> here.\n\n\
                 ## Kiwi \"><svg onload=window.__xss=11>\n\nKiwi text.\n\n\
                 ## Quokka </script><script>window.__xss=6</script>\n\n\
                 Quokka text with \"double\" and 'single' quotes, a back\\\\slash \\\\u2028, \
                 a line\u{2028}separator and a paragraph\u{2029}separator, `</script>` in code.\n",
            )
            .file(
                "content/01-ch/evil.exercise.yaml",
                "id: evil\ntitle: \"Wombat \\\"><svg onload=window.__xss=7>\"\nlesson: ch/evil\nkind: reflection\nduration: 5\n\
                 objectives:\n  - \"Wombat <img src=x onerror=window.__xss=8>\"\nsteps:\n  - \"Wombat step </script>\"\n",
            );
        book.build().ok();
        book
    })
}

#[test]
fn payloads_in_content_and_queries_show_as_text() {
    let book = hostile_book();
    let site = book.out("");
    let b = browser();
    b.goto(&file_url(&site.join("index.html")));
    for (q, want) in [
        ("zebrafish", "<img src=x onerror=window.__xss=3>"),
        ("quokka", "</script><script>window.__xss=6</script>"),
        ("wombat", "><svg onload=window.__xss=7>"),
        ("kiwi", "><svg onload=window.__xss=11>"),
    ] {
        b.eval("const i = document.getElementById('hb-search-input'); i.value = ''; i.dispatchEvent(new Event('input'));");
        type_query(&b, q);
        let text = b.eval("return document.getElementById('hb-search-results').textContent");
        assert!(text.as_str().unwrap().contains(want), "{q}: {text}");
        assert_eq!(
            b.count("#hb-search-results img, #hb-search-results svg, #hb-search-results script"),
            0
        );
        assert_eq!(b.eval("return window.__xss === undefined"), true);
    }
    // The body text's payload, in a snippet.
    let text = b.eval("return window.__hbSearchApi.search('zebrafish body').then(o => o.results.map(r => r.body).join(' '))");
    assert!(
        text.as_str()
            .unwrap()
            .contains("><svg onload=window.__xss=4>"),
        "{text}"
    );
    // Quotes, backslashes, line separators and `</script>` in the text: the index loads.
    let r = api_search(&b, "separator", "{}");
    assert_eq!(r.len(), 1);
    assert!(r[0]["body"].as_str().unwrap().contains('\u{2028}'));
    assert!(r[0]["body"].as_str().unwrap().contains("back\\slash"));
    // A payload in ?q=, on the search page and on a lesson.
    let payload = "%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D9%3E%22%3E%3Csvg%20onload%3Dwindow.__xss%3D10%3E";
    b.goto(&format!(
        "{}?q={payload}",
        file_url(&site.join("search.html"))
    ));
    b.wait_for(
        "document.querySelector('#hb-search-page h2')",
        "the search page heading",
    );
    let heading = b.text("#hb-search-page h2");
    assert!(
        heading.contains("<img src=x onerror=window.__xss=9>"),
        "{heading}"
    );
    assert_eq!(b.count("#hb-search-page img, #hb-search-page svg"), 0);
    assert_eq!(b.eval("return window.__xss === undefined"), true);
    b.goto(&format!(
        "{}?q={payload}&hl={payload}",
        file_url(&site.join("ch/evil.html"))
    ));
    b.wait_for("window.__hbSearchApi.last", "the header search");
    assert_eq!(
        b.count("#hb-search-results img, #hb-search-results svg, #hb-main mark img"),
        0
    );
    // Nothing ran, on any of these pages.
    assert_eq!(b.eval("return window.__xss === undefined"), true);
    no_js_errors(&b, "hostile content");
}
