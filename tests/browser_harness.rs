//! Self-test of the browser test harness in `tests/support`: the WebDriver
//! client and the static file server, on small hand-written pages.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;

use serde_json::json;
use support::browser::{base64_decode, browser, file_url, keys, WINDOW_SIZE};
use support::http::StaticServer;

/// A page whose script sets the title, logs one console error, and wires an
/// input and a button to an output element.
const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>before</title></head>
<body>
<input id="name"> <button id="go" type="button">Go</button>
<p id="out"></p>
<script>
  document.title = "Harness page";
  console.error("harness error " + (1 + 1));
  const name = document.getElementById("name");
  const out = document.getElementById("out");
  document.getElementById("go").addEventListener("click", () => {
    out.textContent = "Hello, " + name.value;
  });
  name.addEventListener("keydown", (e) => {
    if (e.key === "Enter") out.textContent = "entered " + name.value;
    if (e.key === "Escape") name.value = "";
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "/" && e.target === document.body) {
      e.preventDefault();
      name.focus();
    }
  });
</script>
</body></html>
"#;

const THROWING_PAGE: &str = r#"<!doctype html>
<html><head><title>throws</title></head><body>
<script>throw new Error("kaboom");</script>
</body></html>
"#;

const CLEAN_PAGE: &str = r#"<!doctype html>
<html><head><title>clean</title><link rel="stylesheet" href="style.css"></head>
<body><p id="p">fine</p></body></html>
"#;

/// A temporary site: the pages above, a stylesheet, JSON, and a
/// subdirectory with an index.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("page.html", PAGE),
        ("throws.html", THROWING_PAGE),
        ("clean.html", CLEAN_PAGE),
        ("style.css", "p { color: rgb(1, 2, 3); }"),
        ("data.json", r#"{"answer": 42}"#),
        (
            "sub dir/index.html",
            "<!doctype html><title>sub index</title>",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Checks the scripted page: title, the console error, typing and clicking.
fn exercise_page(url: &str) {
    let b = browser();
    b.goto(url);
    assert_eq!(b.url(), url);
    assert_eq!(b.title(), "Harness page");
    let errors = b.js_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("harness error 2"), "{errors:?}");
    assert_eq!(
        b.js_errors(),
        Vec::<String>::new(),
        "reading the log empties it"
    );

    b.send_keys("#name", "Ada");
    b.click("#go");
    assert_eq!(b.text("#out"), "Hello, Ada");

    b.send_keys("#name", &format!(" L{}", keys::ENTER));
    assert_eq!(b.text("#out"), "entered Ada L");
    b.send_keys("#name", keys::ESCAPE);
    assert_eq!(
        b.eval("return document.getElementById('name').value"),
        json!("")
    );

    // Keys pressed with nothing focused go to the page's own shortcuts.
    b.eval("document.activeElement.blur()");
    b.press("/x");
    b.wait_for(
        "document.activeElement.id === 'name'",
        "`/` to focus the input",
    );
    assert_eq!(
        b.eval("return document.getElementById('name').value"),
        json!("x")
    );
}

#[test]
fn scripted_page_over_file_url() {
    let site = site();
    exercise_page(&file_url(&site.path().join("page.html")));
}

#[test]
fn scripted_page_over_http() {
    let site = site();
    let server = StaticServer::start(site.path());
    exercise_page(&server.url("/page.html"));
}

#[test]
fn uncaught_exception_is_a_js_error() {
    let site = site();
    let b = browser();
    b.goto(&file_url(&site.path().join("throws.html")));
    let errors = b.js_errors();
    assert!(
        errors.len() == 1 && errors[0].contains("Uncaught Error: kaboom"),
        "{errors:?}"
    );
}

#[test]
fn clean_page_has_no_js_errors_and_goto_forgets_earlier_ones() {
    let site = site();
    let server = StaticServer::start(site.path());
    let b = browser();
    b.goto(&server.url("/throws.html"));
    b.goto(&server.url("/clean.html"));
    assert_eq!(b.count("#p"), 1);
    assert_eq!(b.count("p, #nothing, .nothing"), 1);
    assert_eq!(b.count("#nothing"), 0);
    assert_eq!(
        b.eval("return getComputedStyle(document.getElementById('p')).color"),
        json!("rgb(1, 2, 3)"),
        "the stylesheet is served as CSS"
    );
    // Also: no complaint about the favicon the browser asks for by itself.
    assert_eq!(b.js_errors(), Vec::<String>::new());
}

#[test]
fn missing_resource_is_a_js_error() {
    let site = site();
    std::fs::write(
        site.path().join("broken.html"),
        r#"<link rel="stylesheet" href="gone.css">"#,
    )
    .unwrap();
    let server = StaticServer::start(site.path());
    let b = browser();
    b.goto(&server.url("/broken.html"));
    let errors = b.js_errors();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("gone.css") && e.contains("404")),
        "{errors:?}"
    );
}

#[test]
fn eval_awaits_promises_and_wait_for_polls() {
    let site = site();
    let b = browser();
    b.goto(&file_url(&site.path().join("clean.html")));
    assert_eq!(
        b.eval("return new Promise(r => setTimeout(() => r(6 * 7), 20))"),
        json!(42)
    );
    assert_eq!(b.eval("document.title = 'no return'"), json!(null));
    b.eval("setTimeout(() => { window.later = {ready: true}; }, 300)");
    // Throws (window.later is undefined) until the timer fires.
    b.wait_for("window.later.ready", "the timer");
}

#[test]
fn window_size_and_screenshot() {
    let site = site();
    let b = browser();
    b.goto(&file_url(&site.path().join("clean.html")));
    let viewport = || b.eval("return [innerWidth, innerHeight]");
    assert_eq!(viewport()[0], json!(WINDOW_SIZE.0));

    b.set_window_size(420, 700);
    let size = viewport();
    assert_eq!(size[0], json!(420));

    let png_path = site.path().join("shots/clean.png");
    b.screenshot(&png_path);
    let png = std::fs::read(&png_path).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(
        &png[png.len() - 8..png.len() - 4],
        b"IEND",
        "the whole file was decoded"
    );
    let dimension = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!(
        json!([dimension(16), dimension(20)]),
        size,
        "the PNG is the viewport"
    );
}

#[test]
fn a_panic_while_holding_the_browser_does_not_break_the_next_test() {
    let outcome = std::thread::spawn(|| {
        let b = browser();
        b.set_window_size(500, 400);
        panic!("deliberate panic while holding the browser");
    })
    .join();
    assert!(outcome.is_err());
    let b = browser();
    assert_eq!(b.eval("return innerWidth"), json!(WINDOW_SIZE.0));
}

#[test]
fn base64_decoding() {
    assert_eq!(base64_decode(""), b"");
    assert_eq!(base64_decode("Zg=="), b"f");
    assert_eq!(base64_decode("Zm8="), b"fo");
    assert_eq!(base64_decode("Zm9v"), b"foo");
    assert_eq!(base64_decode("Zm9v\nYmFy"), b"foobar");
    assert_eq!(base64_decode("+/+/"), [0xfb, 0xff, 0xbf]);
}

#[test]
fn file_urls_are_percent_encoded() {
    assert_eq!(
        file_url(Path::new("/tmp/a b/ü.html")),
        "file:///tmp/a%20b/%C3%BC.html"
    );
}

/// One raw request to the static server: (status line, headers, body).
fn raw_get(server: &StaticServer, path: &str) -> (String, String, String) {
    let url = server.url(path);
    let addr = url.trim_start_matches("http://").split('/').next().unwrap();
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let (status, headers) = head.split_once("\r\n").unwrap();
    (status.to_string(), headers.to_string(), body.to_string())
}

#[test]
fn static_server_paths() {
    let site = site();
    let server = StaticServer::start(site.path());

    let (status, headers, body) = raw_get(&server, "/data.json?v=1");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        headers.contains("Content-Type: application/json"),
        "{headers}"
    );
    assert_eq!(body, r#"{"answer": 42}"#);

    let (status, headers, _) = raw_get(&server, "/style.css");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(headers.contains("Content-Type: text/css"), "{headers}");

    let (status, _, body) = raw_get(&server, "/sub%20dir/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("sub index"));

    let (status, headers, _) = raw_get(&server, "/sub%20dir");
    assert_eq!(status, "HTTP/1.1 301 Moved Permanently");
    assert!(headers.contains("Location: /sub%20dir/"), "{headers}");

    std::fs::write(site.path().join("index.html"), "root index").unwrap();
    assert_eq!(raw_get(&server, "/").2, "root index");

    for path in [
        "/missing.html",
        "/../etc/passwd",
        "/sub%20dir/%2e%2e/data.json",
        "/%zz",
    ] {
        assert_eq!(raw_get(&server, path).0, "HTTP/1.1 404 Not Found", "{path}");
    }
}
