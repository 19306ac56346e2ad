//! `[branding] extra-css`: the handbook's own stylesheets, copied into the
//! site and linked from every page after the theme's, in the order listed.

mod fixture;

use fixture::Book;

/// A handbook with every kind of page, in nested folders, and three
/// stylesheets: two with the same name, one whose name needs making safe.
fn styled_book() -> Book {
    Book::new()
        .file(
            "book.toml",
            "title = \"T\"\n\n[branding]\nextra-css = [\"styles/brand.css\", \"more/Late fixes.css\", \"./other/brand.css\"]\n\n[build]\neditions = [\"participant\", \"facilitator\"]\n",
        )
        .file("styles/brand.css", "/* brand */\n")
        .file("more/Late fixes.css", "/* late */\n")
        .file("other/brand.css", "/* other */\n")
        .chapter("01-basics", "Basics")
        .lesson("01-basics/01-first.md", "First", "Text.\n")
        .chapter("01-basics/02-deeper", "Deeper")
        .lesson("01-basics/02-deeper/01-second.md", "Second", "More.\n")
        .file(
            "content/01-basics/pause.exercise.yaml",
            "id: pause\ntitle: Pause\nlesson: basics/first\nkind: reflection\nduration: 5\n",
        )
        .file(
            "content/workshops/day.yaml",
            "title: Day\nstart: \"09:00\"\nsessions:\n  - exercise: pause\n",
        )
}

/// The stylesheet links of a page's `<head>`, in order.
fn stylesheets(html: &str) -> Vec<String> {
    let head = &html[..html.find("</head>").expect("a </head>")];
    head.split("<link rel=\"stylesheet\" href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

#[test]
fn every_page_links_the_stylesheets_after_the_theme_in_order() {
    let book = styled_book();
    book.build().ok().no_warnings();
    let pages = [
        ("index.html", ""),
        ("basics/index.html", "../"),
        ("basics/first.html", "../"),
        ("basics/deeper/index.html", "../../"),
        ("basics/deeper/second.html", "../../"),
        ("basics/print.html", "../"),
        ("basics/deeper/print.html", "../../"),
        ("exercises/pause.html", "../"),
        ("exercises/index.html", "../"),
        ("workshops/day.html", "../"),
        ("contents.html", ""),
        ("search.html", ""),
        ("404.html", ""),
    ];
    for site in ["site", "site-facilitator"] {
        for (page, root) in pages {
            let path = book.path().join(site).join(page);
            let html = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                stylesheets(&html),
                [
                    format!("{root}_theme/style.css"),
                    format!("{root}_theme/extra/brand.css"),
                    format!("{root}_theme/extra/Late-fixes.css"),
                    format!("{root}_theme/extra/brand-2.css"),
                ],
                "{site}/{page}"
            );
        }
    }
}

#[test]
fn the_stylesheets_are_copied_byte_for_byte() {
    // Not UTF-8, a byte order mark, CRLF: copied as they are.
    let odd: &[u8] = b"\xef\xbb\xbfbody { color: red; }\r\n/* \xff */\r\n";
    let book = styled_book().file("styles/brand.css", odd);
    book.build().ok();
    for site in ["site", "site-facilitator"] {
        let dir = book.path().join(site).join("_theme/extra");
        let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
        assert_eq!(read("brand.css"), odd, "{site}");
        assert_eq!(read("Late-fixes.css"), b"/* late */\n", "{site}");
        assert_eq!(read("brand-2.css"), b"/* other */\n", "{site}");
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["Late-fixes.css", "brand-2.css", "brand.css"]);
    }
}

#[test]
fn without_extra_css_pages_link_the_theme_only() {
    let book = Book::new();
    book.build().ok();
    assert_eq!(stylesheets(&book.page("index.html")), ["_theme/style.css"]);
    assert!(!book.exists("_theme/extra"));
}

/// A theme's own static stylesheet, once listed, is linked where the
/// theme publishes it, beside the files it refers to; a name the theme
/// uses in `_theme/extra/` is not taken over by another stylesheet.
#[test]
fn a_theme_stylesheet_is_linked_where_the_theme_publishes_it() {
    let book = Book::new()
        .file(
            "book.toml",
            "title = \"T\"\ntheme = \"house\"\n[branding]\nextra-css = [\"./themes/house/static/extra.css\", \"brand.css\", \"themes/other/static/x.css\"]\n",
        )
        .file("themes/house/static/extra.css", "@font-face { src: url(fonts/f.woff2) }\n")
        .file("themes/house/static/fonts/f.woff2", "font")
        .file("themes/house/static/extra/brand.css", "/* theme's */\n")
        .file("themes/other/static/x.css", "/* not this theme's */\n")
        .file("brand.css", "/* mine */\n")
        .chapter("ch", "Chapter")
        .lesson("ch/a.md", "A", "Text.\n");
    book.build().ok().no_warnings();
    assert_eq!(
        stylesheets(&book.page("ch/a.html")),
        [
            "../_theme/style.css",
            "../_theme/extra.css",
            "../_theme/extra/brand-2.css",
            "../_theme/extra/x.css",
        ]
    );
    let read = |p: &str| std::fs::read(book.out(p)).unwrap();
    assert_eq!(
        read("_theme/extra.css"),
        b"@font-face { src: url(fonts/f.woff2) }\n"
    );
    assert_eq!(read("_theme/fonts/f.woff2"), b"font");
    assert!(!book.exists("_theme/extra/extra.css"), "not copied twice");
    assert_eq!(read("_theme/extra/brand.css"), b"/* theme's */\n");
    assert_eq!(read("_theme/extra/brand-2.css"), b"/* mine */\n");
    assert_eq!(read("_theme/extra/x.css"), b"/* not this theme's */\n");
}

/// A template that replaces the `head` block (as the 404 page does) keeps
/// the links: they come after it.
#[test]
fn a_theme_replacing_the_head_block_keeps_the_links() {
    let book = Book::new()
        .file(
            "book.toml",
            "title = \"T\"\ntheme = \"house\"\n[branding]\nextra-css = [\"brand.css\"]\n",
        )
        .file(
            "themes/house/templates/lesson.html",
            "{% extends \"default/lesson.html\" %}{% block head %}<style>p{}</style>{% endblock head %}",
        )
        .file("brand.css", "p { margin: 0 }\n")
        .lesson("a.md", "A", "Text.\n");
    book.build().ok();
    let html = book.page("a.html");
    let style = html.find("<style>p{}</style>").unwrap();
    let link = html.find("_theme/extra/brand.css").unwrap();
    assert!(style < link, "{html}");
}

fn toml(list: &str) -> String {
    format!("title = \"T\"\n[branding]\nextra-css = {list}\n")
}

/// Each problem is an error at its value in book.toml, with a hint, and
/// all of them come in one run; nothing is written.
#[test]
fn missing_outside_and_folder_are_located_errors() {
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("out.css");
    std::fs::write(&outside, "a{}").unwrap();
    let book = Book::new()
        .file(
            "book.toml",
            toml(&format!(
                "[\n  \"styles/brnd.css\",\n  \"brand.css\",\n  \"nothing-like-it.css\",\n  \"{}\",\n  \"../up.css\",\n  \"styles\",\n]",
                outside.display()
            )),
        )
        .file("styles/brand.css", "a{}");
    book.build().fails(1).says(&[
        "book.toml:4:3",
        "error: the stylesheet `styles/brnd.css` does not exist",
        "did you mean `styles/brand.css`?",
        "book.toml:5:3",
        "error: the stylesheet `brand.css` does not exist",
        "book.toml:6:3",
        "error: the stylesheet `nothing-like-it.css` does not exist",
        "extra-css paths are relative to the folder holding book.toml",
        "book.toml:7:3",
        "lies outside the handbook folder",
        "copy it into the handbook folder and name it from there",
        "book.toml:8:3",
        "error: the stylesheet `../up.css` lies outside the handbook folder",
        "book.toml:9:3",
        "error: `styles` is a folder, not a stylesheet",
        "6 errors",
    ]);
    // The same name in another folder is suggested.
    let run = book.check().fails(1);
    let brand = &run.stderr[run.stderr.find("`brand.css` does not exist").unwrap()..];
    assert!(
        brand[..brand.find("book.toml:6").unwrap()].contains("did you mean `styles/brand.css`?"),
        "{}",
        run.stderr
    );
    assert!(!book.exists(""), "nothing is written");
}

/// Errors about the stylesheets come with the content's, in one run.
#[test]
fn a_missing_stylesheet_is_reported_with_content_errors() {
    Book::new()
        .file("book.toml", toml("[\"gone.css\"]"))
        .lesson("a.md", "A", "[x](missing.md)\n")
        .build()
        .fails(1)
        .says(&[
            "book.toml:3:14",
            "the stylesheet `gone.css` does not exist",
            "content/a.md",
            "2 errors",
        ]);
}

#[test]
fn not_css_and_listed_twice_are_located_errors() {
    Book::new()
        .file(
            "book.toml",
            toml("[\"a.css\", \"theme.scss\", \"./a.css\", \"b\"]"),
        )
        .file("a.css", "a{}")
        .file("theme.scss", "a{}")
        .file("b", "a{}")
        .build()
        .fails(1)
        .says(&[
            "book.toml:3:23",
            "error: `theme.scss` is not a stylesheet",
            "list .css files; write other formats (.scss, .less) out as CSS first",
            "book.toml:3:37",
            "error: `./a.css` is listed twice in extra-css",
            "list each stylesheet once",
            "book.toml:3:48",
            "error: `b` is not a stylesheet",
            "3 errors",
        ]);
    Book::new()
        .file("book.toml", toml("\"a.css\""))
        .build()
        .fails(1)
        .says(&["book.toml:3:13", "`extra-css`: invalid type"]);
}
