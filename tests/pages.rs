//! What the produced pages contain: Markdown extensions, callouts, ids,
//! links, safety, escaping, ordering and theme overrides.

mod fixture;

use fixture::Book;

#[test]
fn lesson_main_snapshot() {
    let body = "Intro with **bold**, ~~old~~ and a footnote.[^1]\n\n## First steps\n\n- [x] done\n- [ ] open\n\n| Role | Share |\n|---|---|\n| Lead | 75% |\n\n> [!TIP]\n> Start small.\n\n## First steps\n\n[^1]: The note.\n";
    let book = Book::new().file(
        "content/lesson.md",
        format!("---\ntitle: A lesson\nsummary: Short.\nduration: 10\nobjectives: [Learn one thing]\ntags: [t1]\n---\n{body}"),
    );
    book.build().ok().no_warnings();
    let main = book.main("lesson.html");
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/lesson_main.html");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !path.exists() {
        std::fs::write(&path, &main).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        main, expected,
        "<main> changed; rerun with UPDATE_SNAPSHOTS=1 if intended"
    );
}

#[test]
fn markdown_extensions_and_heading_ids() {
    let book = Book::new().lesson(
        "a.md",
        "A",
        "## Goals & <Plans>\n\n## Goals & <Plans>\n\n## hb-main\n\n~~gone~~\n\n- [ ] task\n\n| x |\n|---|\n| 1 |\n\nNote[^n].\n\n[^n]: Foot.\n",
    );
    book.build().ok();
    let main = book.main("a.html");
    assert!(
        main.contains(r##"<h2 id="goals-plans">Goals &amp; &lt;Plans&gt; <a class="hb-anchor" href="#goals-plans" aria-label="Link to this section">#</a></h2>"##),
        "{main}"
    );
    assert!(
        main.contains(r#"<h2 id="goals-plans-1">"#),
        "duplicate headings get unique ids"
    );
    assert!(
        main.contains(r#"<h2 id="h-hb-main">"#),
        "heading ids never take the theme's hb- ids"
    );
    // Nor an id given explicitly.
    let given = Book::new().lesson("g.md", "G", "## Top {#hb-main}\n");
    given.build().ok();
    assert!(given.main("g.html").contains(r#"<h2 id="h-hb-main">"#));
    assert!(main.contains("<del>gone</del>"));
    assert!(main.contains(r#"type="checkbox""#));
    assert!(main.contains("<table>"));
    assert!(
        main.contains(r##"<a href="#fn-n">1</a>"##)
            && main.contains(r#"class="footnote-definition" id="fn-n""#),
        "footnote ids are prefixed"
    );
    // The on-page contents list shows the heading text escaped.
    assert!(
        main.contains(r##"<a href="#goals-plans">Goals &amp; &lt;Plans&gt;</a>"##)
            || book
                .page("a.html")
                .contains(r##"<a href="#goals-plans">Goals &amp; &lt;Plans&gt;</a>"##)
    );
}

#[test]
fn callouts_and_facilitator_only_blocks() {
    let body = "> [!NOTE]\n> n\n\n> [!TIP]\n> t\n\n> [!IMPORTANT]\n> i\n\n> [!WARNING]\n> w\n\n> [!CAUTION]\n> c\n\n> [!FACILITATOR]\n> FACILITATOR-ONLY-MARKER tip\n\n> plain quote\n";
    let book = Book::new()
        .file(
            "book.toml",
            "title = \"T\"\n[build]\neditions = [\"participant\", \"facilitator\"]\n",
        )
        .lesson("a.md", "A", body);
    book.build().ok();
    let main = book.main("a.html");
    for k in ["note", "tip", "important", "warning", "caution"] {
        assert!(main.contains(&format!("callout callout-{k}")), "{k}");
    }
    assert!(main.contains("<blockquote>"), "a plain quote stays a quote");
    assert!(!main.contains("FACILITATOR-ONLY-MARKER"));
    let f = std::fs::read_to_string(book.path().join("site-facilitator/a.html")).unwrap();
    assert!(f.contains("callout callout-facilitator"));
    assert!(f.contains("FACILITATOR-ONLY-MARKER tip"));
    assert!(!f.contains("[!FACILITATOR]"));
}

/// The facilitator marker matches in any case, as GitHub's alerts do; an
/// unknown or misspelt marker is an error, not a plain quote that would
/// show facilitator text to participants. An escaped `\[!` stays text.
#[test]
fn facilitator_marker_in_any_case_and_unknown_markers() {
    let body = "> [!facilitator]\n> LOWER-SECRET\n\n> [!Facilitator] INLINE-SECRET\n\n> \\[!aside] shown as text\n";
    let book = Book::new()
        .file(
            "book.toml",
            "title = \"T\"\n[build]\neditions = [\"participant\", \"facilitator\"]\n",
        )
        .lesson("a.md", "A", body);
    book.build().ok().no_warnings();
    let site = fixture::snapshot(&book.path().join("site"));
    for (path, bytes) in &site {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("SECRET"), "{path}");
    }
    assert!(book.main("a.html").contains("[!aside] shown as text"));
    let f = std::fs::read_to_string(book.path().join("site-facilitator/a.html")).unwrap();
    assert_eq!(f.matches("callout callout-facilitator").count(), 2, "{f}");
    assert!(f.contains("LOWER-SECRET") && f.contains("INLINE-SECRET"));

    let book = Book::new().lesson(
        "a.md",
        "A",
        "> [!FACILITATR]\n> SECRET\n\n> [!aside]\n> x\n",
    );
    book.build().fails(1).says(&[
        "content/a.md:4:3",
        "unknown callout `[!FACILITATR]`",
        "did you mean `[!FACILITATOR]`?",
        "content/a.md:7:3",
        "unknown callout `[!aside]`",
        "callouts are `[!NOTE]`",
        "write `\\[!aside]`",
    ]);
}

#[test]
fn links_between_lessons_nested_folders_and_assets_are_relative() {
    let book = Book::new()
        .chapter("01-one", "One")
        .chapter("01-one/02-deeper", "Deeper")
        .lesson("01-one/02-deeper/01-leaf.md", "Leaf", "## Target\n\n![pic](img/photo.png)\n\n[up](../01-top.md#intro) [home](../../index.md) [chapter](../index.md) [pdf](../files/guide.pdf)\n")
        .lesson("01-one/01-top.md", "Top", "## Intro\n\n[down](02-deeper/01-leaf.md#target)\n")
        .file("content/01-one/02-deeper/img/photo.png", b"\x89PNG fake")
        .file("content/01-one/files/guide.pdf", b"%PDF fake");
    book.build().ok().no_warnings();
    let leaf = book.main("one/deeper/leaf.html");
    assert!(leaf.contains(r#"src="img/photo.png""#), "{leaf}");
    assert!(leaf.contains(r##"href="../top.html#intro""##));
    assert!(leaf.contains(r#"href="../../index.html""#));
    assert!(leaf.contains(r#"href="../index.html""#));
    assert!(leaf.contains(r#"href="../files/guide.pdf""#));
    assert!(book
        .page("one/top.html")
        .contains(r##"href="deeper/leaf.html#target""##));
    assert_eq!(
        std::fs::read(book.out("one/deeper/img/photo.png")).unwrap(),
        b"\x89PNG fake"
    );
    assert!(book.exists("one/files/guide.pdf"));
    // Every generated link and asset reference is relative.
    for page in [
        "index.html",
        "one/index.html",
        "one/deeper/leaf.html",
        "contents.html",
    ] {
        let html = book.page(page);
        for attr in ["href=\"/", "src=\"/", "href=\"http", "src=\"http"] {
            assert!(
                !html.contains(attr),
                "{page} has an absolute reference {attr}"
            );
        }
    }
}

/// Authors link to an exercise or a workshop plan by its file, as they
/// link to a lesson by its `.md` file; the link goes to the file's page.
#[test]
fn links_to_exercise_files_and_workshop_plans_go_to_their_pages() {
    let book = Book::new()
        .chapter("ch", "Chapter")
        .lesson(
            "ch/lesson.md",
            "Lesson",
            "Try [the pause](pause.exercise.yaml) during [the day](../workshops/day.yaml?x=1).\n",
        )
        .file(
            "content/ch/pause.exercise.yaml",
            "id: pause\ntitle: Pause\nlesson: ch/lesson\nkind: reflection\nduration: 5\n",
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - exercise: pause\n",
        );
    book.build().ok().no_warnings();
    let main = book.main("ch/lesson.html");
    assert!(main.contains(r#"href="../exercises/pause.html""#), "{main}");
    assert!(
        main.contains(r#"href="../workshops/day.html?x=1""#),
        "{main}"
    );
}

#[test]
fn unsafe_urls_are_neutralised_with_a_warning() {
    let book = Book::new().lesson(
        "a.md",
        "A",
        "[a](javascript:alert(1)) [b](VBScript:msgbox) [c](data:text/html,<script>x</script>) ![d](data:image/png;base64,AAAA) [e](java\tscript:alert(2))\n",
    );
    let r = book.build().ok();
    assert!(r.stderr.contains("`javascript:` URL removed"));
    assert!(r.stderr.contains("`vbscript:` URL removed"));
    assert!(r.stderr.contains("`data:` URL removed"));
    let main = book.main("a.html");
    assert!(!main.to_lowercase().contains("javascript:"));
    assert!(!main.to_lowercase().contains("vbscript:"));
    assert!(!main.contains("data:text/html"));
    assert!(
        main.contains("data:image/png;base64,AAAA"),
        "image data URLs stay"
    );
}

#[test]
fn raw_html_is_escaped_unless_allowed() {
    let body = "<script>alert(1)</script>\n\nInline <img src=x onerror=alert(2)> here.\n";
    let book = Book::new().lesson("a.md", "A", body);
    book.build()
        .ok()
        .says(&["content/a.md:4:1", "raw HTML is shown as text"]);
    let main = book.main("a.html");
    assert!(!main.contains("<script>alert"));
    assert!(!main.contains("<img src=x"));
    assert!(main.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let trusted = Book::new()
        .file(
            "book.toml",
            "title = \"T\"\n[markdown]\nallow-html = true\n",
        )
        .lesson("a.md", "A", "<kbd>Ctrl</kbd>\n");
    trusted.build().ok().no_warnings();
    assert!(trusted.main("a.html").contains("<kbd>Ctrl</kbd>"));
}

#[test]
fn titles_with_markup_characters_show_literally_everywhere() {
    let title = r#"Tom & "Jerry's" <b>Show</b>"#;
    let book = Book::new()
        .file("book.toml", "title = \"Book <i>&</i>\"\n")
        .chapter("ch", "Chapter <script>alert(1)</script>")
        .file(
            "content/ch/a.md",
            format!(
                "---\ntitle: '{}'\n---\n## Heading <em>&amp;</em> \"q\"\n",
                title.replace('\'', "''")
            ),
        );
    book.build().ok();
    let page = book.page("ch/a.html");
    // (Its quotes are curled, as a heading's are: see tests/exercises.rs for straight ones.)
    assert!(page.contains("<title>Tom &amp; “Jerry’s” &lt;b&gt;Show&lt;/b&gt; · Book &lt;i&gt;&amp;&lt;/i&gt;</title>"), "{}", &page[..page.find("</title>").unwrap()]);
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        page.contains("Chapter &lt;script&gt;alert(1)&lt;/script&gt;"),
        "breadcrumbs and sidebar escape"
    );
    // The navigation data is a JSON string inside a script: no raw markup can close it.
    let nav = book.page("nav.js");
    assert!(nav.contains(r#"Tom & “Jerry’s” <b>Show<\/b>"#), "{nav}");
    assert!(!nav.contains("</script>"));
    // In the heading (Markdown output) and in the on-page contents (template output).
    assert!(
        page.contains(
            "Heading &lt;em&gt;&amp;&lt;/em&gt; \u{201c}q\u{201d} <a class=\"hb-anchor\""
        ),
        "heading"
    );
    assert!(
        page.contains("Heading &lt;em&gt;&amp;&lt;/em&gt; \u{201c}q\u{201d}</a>"),
        "on-page contents"
    );
}

#[test]
fn order_follows_front_matter_then_number_prefix_then_name() {
    let book = Book::new()
        .lesson("02-second.md", "Second", "")
        .lesson("10-tenth.md", "Tenth", "")
        .lesson("01-first.md", "First", "")
        .file("content/zeta.md", "---\ntitle: Zeta\norder: 5\n---\n")
        .lesson("alpha.md", "Alpha", "");
    book.build().ok();
    let home = book.main("index.html");
    let pos = |t: &str| {
        home.find(&format!(">{t}<"))
            .unwrap_or_else(|| panic!("{t} not listed"))
    };
    assert!(
        pos("First") < pos("Second")
            && pos("Second") < pos("Zeta")
            && pos("Zeta") < pos("Tenth")
            && pos("Tenth") < pos("Alpha")
    );
    // Previous/next follow the same order.
    assert!(book
        .main("second.html")
        .contains(r#"rel="next" href="zeta.html""#));
}

/// Drafts are left out unless asked for; when they are in, each says it
/// is one (itself or through its chapter), in its print view too.
#[test]
fn drafts_are_left_out_unless_asked_for() {
    let book = Book::new()
        .file("content/wip.md", "---\ntitle: WIP\ndraft: true\n---\n")
        .file(
            "content/ch/index.md",
            "---\ntitle: Chapter\ndraft: true\n---\n",
        )
        .lesson("ch/inner.md", "Inner", "")
        .lesson("done.md", "Done", "");
    book.build().ok();
    assert!(!book.exists("wip.html") && !book.exists("ch/inner.html"));
    assert!(!book.page("done.html").contains("hb-draft"));
    book.run(&["build", ".", "--drafts"]).ok();
    let badge = r#"<li class="hb-draft""#;
    for page in [
        "wip.html",
        "ch/index.html",
        "ch/inner.html",
        "ch/print.html",
    ] {
        assert!(book.main(page).contains(badge), "{page}");
    }
    assert!(!book.main("done.html").contains(badge));
}

#[test]
fn a_theme_can_override_one_template_or_one_block() {
    let book = Book::new()
        .file("book.toml", "title = \"T\"\ntheme = \"house\"\n")
        .lesson("a.md", "A", "Body text.\n")
        .file("themes/house/templates/lesson.html", "{% extends \"default/lesson.html\" %}{% block objectives %}<p class=\"house-banner\">House style</p>{% endblock objectives %}")
        .file("themes/house/templates/404.html", "<p>custom 404 for {{ site.title }}</p>")
        .file("themes/house/static/extra.css", "body{}");
    book.build().ok();
    let page = book.page("a.html");
    assert!(page.contains("house-banner"), "block replaced");
    assert!(
        page.contains("Body text."),
        "rest of the default lesson template kept"
    );
    assert!(page.contains("hb-sidebar"), "base layout kept");
    assert_eq!(book.page("404.html"), "<p>custom 404 for T</p>");
    assert!(book.exists("_theme/extra.css"));
    assert!(book.exists("_theme/style.css"));
}

/// The header's search filters are rendered once per build, from the
/// theme's own `search_filters` macro: a theme that changes the macro
/// changes them on every page, as on the search page. The macro can read
/// `site`, escaped as everywhere.
#[test]
fn a_themes_search_filters_reach_every_page() {
    let built_in = include_str!("../themes/default/templates/macros.html");
    let macros = built_in.replace(
        "<option value=\"exercise\">Exercises only</option>",
        "<option value=\"exercise\">Exercises only</option><option value=\"\" data-id=\"{{ id }}\">House filter of {{ site.title }}</option>",
    );
    assert_ne!(macros, built_in);
    let book = Book::new()
        .file("book.toml", "title = \"T <b>&\"\ntheme = \"house\"\n")
        .chapter("ch", "Chapter")
        .lesson("ch/a.md", "A", "Body text.\n")
        .file("themes/house/templates/macros.html", &macros);
    book.build().ok();
    for page in ["index.html", "ch/index.html", "ch/a.html", "contents.html"] {
        let html = book.page(page);
        assert!(
            html.contains(
                "<option value=\"\" data-id=\"hb-search\">House filter of T &lt;b&gt;&amp;</option>"
            ),
            "{page}"
        );
        assert_eq!(html.matches("House filter").count(), 1, "{page}");
    }
    assert!(book
        .page("search.html")
        .contains("data-id=\"hb-search-page\">House filter of T &lt;b&gt;&amp;<"));
}

#[test]
fn templates_cannot_read_the_environment() {
    let book = Book::new()
        .file("book.toml", "title = \"T\"\ntheme = \"leaky\"\n")
        .file(
            "themes/leaky/templates/404.html",
            "{{ get_env(name=\"HOME\") }}",
        );
    book.build().fails(1).says(&[
        "themes/leaky/templates/404.html:1:4",
        "function `get_env` failed: templates cannot read environment variables",
    ]);
}

#[test]
fn pages_stay_small_with_shared_navigation() {
    let mut book = Book::new().chapter("ch", "Chapter");
    for i in 0..200 {
        book = book.lesson(
            &format!("ch/{i:03}-lesson-{i}.md"),
            &format!("Lesson number {i}"),
            "Short.\n",
        );
    }
    book.build().ok();
    let nav = book.page("nav.js");
    assert!(nav.contains("Lesson number 199"));
    // A lesson page lists a bounded window of its chapter, not all 200 entries.
    let html = book.page("ch/lesson-100.html");
    assert!(
        html.matches("Lesson number").count() < 60,
        "sidebar fallback is bounded"
    );
    assert!(html.contains("more in this chapter"));
}

/// A host serves 404.html for a missing path at any depth; with base-url
/// its relative links resolve from the site root. Without, nothing changes.
#[test]
fn the_404_page_resolves_from_base_url() {
    let book = Book::new();
    book.build().ok();
    assert!(!book.page("404.html").contains("<base"));
    book.write(
        "book.toml",
        "title = \"T\"\nbase-url = \"https://example.org/hb\"\n",
    );
    book.build().ok();
    assert!(book
        .page("404.html")
        .contains(r#"<base href="https://example.org/hb/">"#));
    assert!(!book.page("index.html").contains("<base"));
}

/// An exercise page's chips show each competency and tag once, as words
/// (a self- compound keeps its hyphen): a tag that repeats a competency,
/// or another tag, is left out.
#[test]
fn exercise_chips_name_each_competency_and_tag_once() {
    let book = Book::new().lesson("a.md", "A", "").file(
        "content/q.exercise.yaml",
        "id: q\ntitle: Q\nlesson: a\nkind: discussion\nduration: 5\ncompetencies: [alignment, self-awareness]\ntags: [alignment, focus-groups, Focus groups, Self-Awareness]\n",
    );
    book.build().ok();
    let page = book.main("exercises/q.html");
    let chips: Vec<&str> = page
        .split(r#"<li class="hb-tag">"#)
        .skip(1)
        .map(|c| &c[..c.find("</li>").unwrap()])
        .collect();
    assert_eq!(
        chips,
        ["Alignment", "Self-awareness", "Focus groups"],
        "{page}"
    );
}

/// An exercise page names its competencies as the catalogue does, and a
/// quiz question's text sits in its `<legend>` only when that is valid
/// HTML (one paragraph); a longer question follows the legend.
#[test]
fn exercise_competencies_read_as_words_and_questions_are_valid_html() {
    let book = Book::new()
        .lesson("a.md", "A", "")
        .file(
            "content/q.exercise.yaml",
            "id: q\ntitle: Q\nlesson: a\nkind: quiz\nduration: 5\ncompetencies: [active-listening]\nquestions:\n  - question: Which *one*?\n    choices: [x, y]\n    answer: 1\n  - question: |\n      Read this:\n\n      - first\n      - second\n    choices: [x, y]\n    answer: 2\n",
        );
    book.build().ok();
    let page = book.main("exercises/q.html");
    assert!(
        page.contains(r#"<li class="hb-tag">Active listening</li>"#),
        "{page}"
    );
    assert!(
        page.contains("Question 1.</span> Which <em>one</em>?</legend>"),
        "{page}"
    );
    let legends: Vec<&str> = page
        .split("<legend>")
        .skip(1)
        .map(|l| &l[..l.find("</legend>").unwrap()])
        .collect();
    assert!(
        legends
            .iter()
            .all(|l| !l.contains("<p>") && !l.contains("<ul>")),
        "{legends:?}"
    );
    assert!(
        page.contains("<div class=\"hb-q-text\"><p>Read this:</p>"),
        "{page}"
    );
}

/// A heading id written by hand that cannot be kept, because the page
/// already has it or the theme owns it, is a warning at the `{#…}`.
#[test]
fn explicit_heading_ids_that_cannot_be_kept_are_warnings() {
    let book = Book::new().lesson(
        "a.md",
        "A",
        "## One {#same}\n\n## Two {#same}\n\n## Three {#hb-x}\n\n## Four {#own}\n\n## Five\n",
    );
    let run = book.build().ok().says(&[
        "content/a.md:6:8",
        "warning: heading id `same` is already used on this page: this heading's id is `same-1`",
        "content/a.md:8:10",
        "warning: heading id `hb-x` is reserved for the theme: this heading's id is `h-hb-x`",
        "choose an id that does not start with `hb-`",
    ]);
    assert_eq!(run.stderr.matches("warning:").count(), 2, "{}", run.stderr);
    let main = book.main("a.html");
    assert!(main.contains(r#"id="same-1""#) && main.contains(r#"id="own""#));
}

/// Footnotes are numbered in the order they are cited, listed at the end
/// of the text (wherever they are written), and each links back to every
/// place that cites it; in a print view their ids stay apart per lesson.
#[test]
fn footnotes_are_listed_at_the_end_with_links_back() {
    let body = "[^b]: Second, written first.\n\nCites b[^b], then a[^a], then b again[^b].\n\n## Later\n\nMore text.\n\n[^a]: First\n    on two lines.\n\n[^never]: Never cited.\n";
    let book = Book::new()
        .chapter("ch", "Ch")
        .lesson("ch/a.md", "A", body)
        .lesson(
            "ch/b.md",
            "B",
            "Also[^a].\n\n[^a]: Another lesson's note.\n",
        );
    book.build().ok().no_warnings();
    let main = book.main("ch/a.html");
    let cite = |id: &str, to: &str, n: u32| {
        format!(r##"<sup class="footnote-reference" id="{id}"><a href="#{to}">{n}</a></sup>"##)
    };
    assert!(main.contains(&cite("fnref-b", "fn-b", 1)), "{main}");
    assert!(main.contains(&cite("fnref-a", "fn-a", 2)), "{main}");
    assert!(main.contains(&cite("fnref-b-2", "fn-b", 1)), "{main}");
    // Listed after the last section, in cited order, the uncited last.
    let list = &main[main.find(r#"<section class="footnotes""#).expect("a list")..];
    assert!(main.find("More text.").unwrap() < main.find(r#"<section class="footnotes""#).unwrap());
    let (b, a, never) = (
        list.find(r#"id="fn-b" value="1""#).unwrap(),
        list.find(r#"id="fn-a" value="2""#).unwrap(),
        list.find(r#"id="fn-never""#).unwrap(),
    );
    assert!(b < a && a < never, "{list}");
    assert!(list.contains(r##"<a href="#fnref-b" class="footnote-backref""##));
    assert!(list.contains(r##"<a href="#fnref-b-2" class="footnote-backref""##));
    assert!(list.contains(r##"on two lines. <a href="#fnref-a" class="footnote-backref" aria-label="Back to the text">↩</a></p>"##), "{list}");
    // The chapter's print view keeps each lesson's footnotes apart.
    let print = book.page("ch/print.html");
    assert!(!print.contains(r#" id="fn-a""#), "ids are scoped in print");
    // One definition of `a` per lesson, each under its lesson's prefix.
    assert_eq!(print.matches(r#"-fn-a" value=""#).count(), 2, "{print}");
}

/// The search index's document files of a one-lesson book with `body`.
fn search_docs_of_lesson(body: &str) -> Vec<String> {
    let book = Book::new().lesson("a.md", "A", body);
    book.build().ok();
    book.search_docs()
}

/// A table's cells are kept apart in the search text, so that a snippet
/// taken from a table reads cell by cell instead of as one run-on line.
#[test]
fn search_text_keeps_table_cells_apart() {
    let docs = search_docs_of_lesson(
        "Before.\n\n| Need | Shows |\n| --- | --- |\n| Recognition | Shares work |\n\nAfter the table.\n",
    );
    assert!(
        docs.iter().any(|d| d.contains(
            "Before. Need \u{b7} Shows \u{b7} Recognition \u{b7} Shares work After the table."
        )),
        "{docs:?}"
    );
}

/// Empty table cells add nothing to the search text: a grid left blank to
/// be filled in does not make a snippet of separators.
#[test]
fn search_text_skips_empty_table_cells() {
    let docs = search_docs_of_lesson(
        "Before.\n\n| | Rating | Notes |\n| --- | --- | --- |\n| You | | |\n| Peer | | ok |\n\nAfter.\n",
    );
    assert!(
        docs.iter().any(|d| d
            .contains("\"Before. Rating \u{b7} Notes \u{b7} You \u{b7} Peer \u{b7} ok After.\"")),
        "{docs:?}"
    );
}

/// The home page prints the whole handbook in reading order, each page as
/// it shows on screen; a handbook too big to print as one page is printed
/// chapter by chapter instead.
#[test]
fn the_whole_handbook_prints_from_the_home_page() {
    let book = Book::new()
        .chapter("01-one", "Chapter One")
        .lesson(
            "01-one/01-a.md",
            "Lesson A",
            "## Practice\n\nText A, then [B](02-b.md) and [C](../02-two/01-c.md#top).\n",
        )
        .lesson("01-one/02-b.md", "Lesson B", "## Practice\n\nText B.\n")
        .chapter("02-two", "Chapter Two")
        .lesson("02-two/01-c.md", "Lesson C", "## Top\n\nText C.\n");
    book.build().ok();
    assert!(book
        .main("index.html")
        .contains(r#"<a href="print.html">Print the whole handbook</a>"#));
    let print = book.main("print.html");
    let titles: Vec<&str> = print
        .split("<h1>")
        .skip(1)
        .map(|s| s.split("</h1>").next().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Home",
            "Chapter One",
            "Lesson A",
            "Lesson B",
            "Chapter Two",
            "Lesson C"
        ]
    );
    // Two lessons' headings of the same name stay apart.
    let ids: std::collections::BTreeSet<&str> = (print.split(r#" id=""#).skip(1))
        .map(|s| s.split('"').next().unwrap())
        .filter(|id| id.ends_with("-practice"))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    // Links in the text still lead to their pages from the top folder.
    assert!(
        print.contains(r#"<a href="one/b.html">B</a> and <a href="two/c.html#top">C</a>"#),
        "{print}"
    );
    assert!(book.main("one/index.html").contains("Print this chapter"));

    // The largest book printed whole, and the smallest too big for that:
    // with the home page and the chapter, at the limit and one page over.
    let book_of = |lessons: usize| {
        let mut b = Book::new().chapter("ch", "Chapter");
        for i in 0..lessons {
            b = b.lesson(&format!("ch/l{i:03}.md"), &format!("L{i}"), "");
        }
        b.build().ok();
        b
    };
    let limit = book_of(handbook::render::WHOLE_BOOK_PRINT - 2);
    assert!(limit
        .main("index.html")
        .contains("Print the whole handbook"));
    let last = format!("L{}", handbook::render::WHOLE_BOOK_PRINT - 3);
    assert!(limit.page("print.html").contains(&last));
    let big = book_of(handbook::render::WHOLE_BOOK_PRINT - 1);
    assert!(!big.main("index.html").contains("Print the whole handbook"));
    assert!(
        !big.exists("print.html"),
        "nothing at the top level to print"
    );
    assert!(big.exists("ch/print.html"));
}

/// A page's address comes from its file name whatever the extension's case
/// (`.MD`), and one with no letter or digit in its name still gets a name
/// of its own, not a hidden `.html`.
#[test]
fn odd_file_names_still_give_plain_addresses() {
    let book = Book::new()
        .chapter("ch", "Chapter")
        .lesson("ch/02-upper.MD", "Upper", "")
        .lesson("ch/03-\u{1F600}.md", "Smile", "See [upper](02-upper.MD).\n");
    book.build().ok();
    assert!(book.exists("ch/upper.html"));
    assert!(book.exists("ch/u1f600.html"));
    assert!(!book.exists("ch/.html"));
    assert!(book
        .main("ch/u1f600.html")
        .contains(r#"<a href="upper.html">upper</a>"#));
}

/// File names saved in decomposed Unicode, as macOS saves `café.md` (`e`
/// then a combining accent), get the same address as the precomposed
/// spelling that links are typed in, and links in either spelling find
/// them: before, the address lost its accent (`cafe.html`, and
/// `re-sume.html` for `résumé`) and a link typed `café.md` was broken.
#[test]
fn decomposed_file_names_match_links_typed_precomposed() {
    let book = Book::new()
        .chapter("ch", "Chapter")
        .lesson("ch/01-cafe\u{301}.md", "Café", "")
        .lesson("ch/02-re\u{301}sume\u{301}.md", "Résumé", "")
        .lesson(
            "ch/03-links.md",
            "Links",
            "[A](01-caf\u{e9}.md), [B](02-re\u{301}sume\u{301}.md), ![C](caf\u{e9}.png)\n\n\
             ## Re\u{301}sume\u{301} tips\n",
        )
        .file("content/ch/cafe\u{301}.png", "png");
    book.build().ok();
    assert!(book.exists("ch/caf\u{e9}.html"));
    assert!(book.exists("ch/r\u{e9}sum\u{e9}.html"));
    assert!(!book.exists("ch/cafe.html"));
    let main = book.main("ch/links.html");
    // Percent-encoded, as every address is: `é` composed is C3 A9.
    assert!(main.contains(r#"href="caf%C3%A9.html""#), "{main}");
    assert!(main.contains(r#"href="r%C3%A9sum%C3%A9.html""#), "{main}");
    assert!(main.contains(r#"src="caf%C3%A9.png""#), "{main}");
    assert!(book.exists("ch/caf\u{e9}.png"));
    // A heading typed decomposed gets the composed id, too.
    assert!(main.contains("id=\"r\u{e9}sum\u{e9}-tips\""), "{main}");
}

/// A file whose name looks like a URL scheme (`javascript:x.png`, which
/// a file system allows) is linked as a path, never as that scheme: from
/// its own folder, and from the whole-handbook print view, which moves
/// links onto another folder.
#[test]
fn a_file_named_like_a_scheme_is_linked_as_a_path() {
    let book = Book::new()
        .chapter("ch", "Chapter")
        .lesson(
            "ch/a.md",
            "A",
            "[x](./javascript:alert(1).png) [y](../top:x.png)\n",
        )
        .file("content/ch/javascript:alert(1).png", "png")
        .file("content/top:x.png", "png");
    book.build().ok();
    let page = book.main("ch/a.html");
    assert!(
        page.contains(r#"href="./javascript:alert(1).png""#),
        "{page}"
    );
    let print = book.page("print.html");
    assert!(
        print.contains(r#"href="ch/javascript:alert(1).png""#),
        "{print}"
    );
    assert!(print.contains(r#"href="./top:x.png""#), "{print}");
    for html in [&page, &print] {
        assert!(!html.contains(r#"href="javascript:"#), "{html}");
        assert!(!html.contains(r#"href="top:"#), "{html}");
    }
}

/// A lesson saved as `.markdown` is neither a page nor copied as its
/// source (it may hold facilitator text): a warning says to rename it.
#[test]
fn markdown_under_another_extension_is_not_published() {
    for ext in ["markdown", "mdown", "mkd", "mkdn", "MARKDOWN"] {
        let name = format!("03-mk.{ext}");
        let book = Book::new().file(
            &format!("content/{name}"),
            "---\ntitle: M\n---\n> [!FACILITATOR]\n> Secret.\n",
        );
        book.build().ok().says(&[
            &format!("content/{name}"),
            "Markdown file without the `.md` extension, so it is neither a page nor published",
            "rename it to end in `.md`",
        ]);
        assert!(!book.exists(&name));
        assert!(!book.exists("mk.html"));
        // Its text is nowhere in the site.
        for (path, bytes) in book.snapshot() {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("Secret."),
                "{path}"
            );
        }
    }
}
