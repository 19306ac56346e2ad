//! The dev server serves drafts and facilitator notes, so it must not leak
//! anything else: path traversal, DNS rebinding, cross-origin reads of the
//! live-reload stream, and malformed input are all refused, and the server
//! keeps running. Requests are sent as raw bytes over TCP, exactly as
//! written, with no client-side normalisation.

mod serve_common;

use std::io::Write;
use std::net::Shutdown;

use handbook::Edition;
use serve_common::*;

const SECRET: &str = "TOP-SECRET-NOT-IN-THE-SITE";

/// A handbook with secrets around it: a sibling folder whose name starts
/// with the output folder's, a stale output folder holding a file and a
/// symlink to a file outside, and a secret beside the handbook.
fn handbook_with_secrets() -> (tempfile::TempDir, std::path::PathBuf) {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("hb");
    let hb = small_handbook();
    copy_tree(hb.path(), &root);
    write(&outer.path().join("secret.txt"), SECRET);
    write(&root.join("site-secret/secret.txt"), SECRET);
    write(&root.join("sitex/secret.txt"), SECRET);
    write(&root.join("site/secret.txt"), SECRET);
    std::os::unix::fs::symlink(outer.path().join("secret.txt"), root.join("site/leak.txt"))
        .unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("site/passwd")).unwrap();
    std::os::unix::fs::symlink(outer.path(), root.join("site/outside")).unwrap();
    (outer, root)
}

/// The clean build of the served configuration.
fn clean_build(root: &std::path::Path) -> handbook::Site {
    let config = handbook::serve::serve_config(root, Edition::Participant, true).unwrap();
    handbook::build(&config).unwrap()
}

#[test]
fn traversal_never_returns_bytes_outside_the_built_site() {
    let (_outer, root) = handbook_with_secrets();
    let s = Served::start(&root, &[]);
    let matrix = [
        "/../../etc/passwd",
        "/../../../../../../etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/..%2F..%2Fetc%2Fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/.%2e/etc/passwd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/..%252f..%252fetc%252fpasswd",
        "/%25252e%25252e/etc/passwd",
        "//etc/passwd",
        "///etc/passwd",
        "/..\\..\\etc\\passwd",
        "/..%5c..%5cetc%5cpasswd",
        "/basics/../../../etc/passwd",
        "/./index.html",
        "/basics/./first.html",
        "/../secret.txt",
        "/../site-secret/secret.txt",
        "/..%2fsite-secret%2fsecret.txt",
        "/../sitex/secret.txt",
        "/site-secret/secret.txt",
        "/sitex/secret.txt",
        "/../site/secret.txt",
        "/site/secret.txt",
        "/secret.txt",
        "/leak.txt",
        "/passwd",
        "/outside/secret.txt",
        "/etc/passwd",
        "/index.html%00.txt",
        "/%00",
        "/basics%2ffirst.html",
        "/%2fetc/passwd",
        "/..;/..;/etc/passwd",
        "/book.toml",
        "/content/index.md",
        "http://localhost/../../etc/passwd",
        "*",
    ];
    for target in matrix {
        let r = s.get(target);
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: status {} (expected 400 or 404)",
            r.status
        );
        let text = r.text();
        assert!(!text.contains(SECRET), "{target} leaked the secret");
        assert!(!text.contains("root:x:"), "{target} leaked /etc/passwd");
    }
    // What is served is exactly the built site: each answer that is a file
    // is byte for byte the built file (HTML with the live script added).
    s.assert_serves_clean_build(Edition::Participant, true);
}

#[test]
fn content_symlinks_serve_what_the_build_publishes_and_nothing_more() {
    let (outer, root) = handbook_with_secrets();
    // A content file that links outside content/ but inside the handbook
    // folder: the build publishes it (discovery follows links), so serving
    // shows it too; the folder it sits in stays out of reach.
    write(&root.join("shared/handout.txt"), "a shared handout\n");
    std::os::unix::fs::symlink(
        root.join("shared/handout.txt"),
        root.join("content/01-basics/handout.txt"),
    )
    .unwrap();
    let s = Served::start(&root, &[]);
    assert_eq!(
        clean_build(&root).get("basics/handout.txt"),
        Some(&b"a shared handout\n"[..])
    );
    assert_eq!(s.get("/basics/handout.txt").text(), "a shared handout\n");
    for target in [
        "/basics/../../secret.txt",
        "/basics/handout.txt/../../secret.txt",
        "/basics/%2e%2e/%2e%2e/secret.txt",
        "/shared/handout.txt",
        "/basics/secret.txt",
    ] {
        let r = s.get(target);
        assert!(r.status == 400 || r.status == 404, "{target}: {}", r.status);
        assert!(!r.text().contains(SECRET), "{target}");
    }
    s.assert_serves_clean_build(Edition::Participant, true);
    drop(s);
    // A link out of the handbook folder is refused: nothing would serve it.
    std::os::unix::fs::symlink(
        outer.path().join("secret.txt"),
        root.join("content/01-basics/secret.txt"),
    )
    .unwrap();
    let config = handbook::serve::serve_config(&root, Edition::Participant, true).unwrap();
    let failure = handbook::build(&config)
        .err()
        .expect("the build refuses the link");
    assert!(failure
        .diagnostics
        .iter()
        .any(|d| d.message.contains("leads outside the handbook folder")));
}

#[test]
fn the_host_header_must_name_this_server() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &[]);
    let port = s.port;
    for host in [
        format!("localhost:{port}"),
        "localhost".to_string(),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("LOCALHOST:{port}"),
    ] {
        let r = s.request("GET", "/", &[("Host", &host)]);
        assert_eq!(r.status, 200, "Host: {host}");
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("192.168.0.10:{port}"),
        format!("0.0.0.0:{port}"),
        "".to_string(),
    ] {
        let r = s.request("GET", "/", &[("Host", &host)]);
        assert_eq!(r.status, 403, "Host: {host:?}");
        assert!(!r.text().contains("<html"), "Host: {host:?}");
        let r = s.request("GET", "/__handbook/events", &[("Host", &host)]);
        assert_eq!(r.status, 403, "events with Host: {host:?}");
    }
    // No Host at all (HTTP/1.0 style).
    let r = Resp::parse(&s.raw(b"GET / HTTP/1.0\r\n\r\n")).unwrap();
    assert_eq!(r.status, 400);
}

#[test]
fn no_cross_origin_access() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &[]);
    let port = s.port;
    let host = format!("localhost:{port}");
    // Ordinary responses never allow other origins.
    for path in [
        "/",
        "/nav.js",
        "/__handbook/live.js",
        "/__handbook/status",
        "/missing",
    ] {
        let r = s.request(
            "GET",
            path,
            &[("Host", &host), ("Origin", "http://evil.example")],
        );
        assert!(r.header("access-control-allow-origin").is_none(), "{path}");
    }
    // A CORS preflight is not answered with permission.
    let r = s.request(
        "OPTIONS",
        "/__handbook/events",
        &[
            ("Host", &host),
            ("Origin", "http://evil.example"),
            ("Access-Control-Request-Method", "GET"),
        ],
    );
    assert_eq!(r.status, 405);
    assert!(r.header("access-control-allow-origin").is_none());

    // The live-reload stream refuses foreign origins.
    for headers in [
        vec![("Origin", "http://evil.example")],
        vec![("Origin", "null")],
        vec![("Origin", "https://localhost")],
        vec![(
            "Origin",
            &*format!("http://localhost:{}", port.wrapping_add(1)),
        )],
        vec![("Sec-Fetch-Site", "cross-site")],
    ] {
        match Events::open(&s, &headers) {
            Ok(_) => panic!("the stream opened for {headers:?}"),
            Err(r) => {
                assert_eq!(r.status, 403, "{headers:?}");
                assert!(r.header("access-control-allow-origin").is_none());
            }
        }
    }
    // Its own pages may connect, with or without an Origin header.
    let own = format!("http://localhost:{port}");
    let own_ip = format!("http://127.0.0.1:{port}");
    for headers in [
        vec![],
        vec![("Origin", own.as_str())],
        vec![
            ("Origin", own_ip.as_str()),
            ("Sec-Fetch-Site", "same-origin"),
        ],
    ] {
        let ev = Events::open(&s, &headers).unwrap_or_else(|r| panic!("{headers:?}: {}", r.status));
        let (kind, _) = ev.next("the first event");
        assert_eq!(kind, "state");
    }
}

#[test]
fn only_get_and_head() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &[]);
    let host = format!("localhost:{}", s.port);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"] {
        let r = s.request(method, "/", &[("Host", &host), ("Content-Length", "0")]);
        assert_eq!(r.status, 405, "{method}");
    }
    let r = Resp::parse(
        &s.raw(format!("HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes()),
    )
    .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
}

#[test]
fn malformed_requests_and_garbage_leave_the_server_running() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &DEBOUNCE);
    let junk: Vec<Vec<u8>> = vec![
        b"\x00\x01\x02\x03\xff\xfe\r\n\r\n".to_vec(),
        b"GARBAGE\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n".to_vec(),
        b"GET /\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: localhost\r\nBroken header line\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n".to_vec(),
        b"GET / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
        format!(
            "GET /{} HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "a".repeat(100_000)
        )
        .into_bytes(),
        format!(
            "GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n",
            "b".repeat(100_000)
        )
        .into_bytes(),
        b"\r\n\r\n\r\n".to_vec(),
        vec![b'x'; 10_000],
        b"GET / HTTP/1.1\r\nHost: localhost".to_vec(), // cut short
    ];
    for (i, j) in junk.iter().enumerate() {
        let answer = s.raw(j);
        if let Some(r) = Resp::parse(&answer) {
            assert!(r.status != 500, "junk {i} caused a server error");
        }
        assert_eq!(
            s.get("/").status,
            200,
            "the server stopped answering after junk {i}"
        );
    }

    // Garbage written into an open live-reload stream is ignored, and the
    // stream still delivers the next reload.
    let ev = s.events();
    let g = ev.generation();
    {
        let mut conn = ev_stream(&ev);
        let _ = conn
            .write_all(b"\x00\xffnot http at all\r\n\r\nGET /../../etc/passwd HTTP/1.1\r\n\r\n");
        let _ = conn.flush();
    }
    // Streams opened and dropped at once, or half-closed.
    for _ in 0..20 {
        let mut c = s.connect();
        let _ = c.write_all(
            format!(
                "GET /__handbook/events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
                s.port
            )
            .as_bytes(),
        );
        let _ = c.shutdown(Shutdown::Both);
    }
    save(
        Save::Plain,
        &hb.path().join("content/01-basics/02-second.md"),
        &lesson("The second lesson", "Still alive."),
    );
    assert_eq!(ev.reload("an edit after the garbage"), g + 1);
    assert!(s.page("/basics/second.html").contains("Still alive."));
}

/// Another handle on the stream's socket, to write into it.
fn ev_stream(ev: &Events) -> std::net::TcpStream {
    ev.socket().try_clone().unwrap()
}

/// Every page load opens a stream and abandons the last one; the server may
/// not notice a gone page for a while. However many there are, the newest
/// page still gets live reload: past the limit the oldest stream is closed.
#[test]
fn the_newest_page_always_gets_live_reload() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &[]);
    let pages: Vec<Events> = (0..handbook::serve::http::MAX_LIVE_CLIENTS + 6)
        .map(|_| s.events())
        .collect();
    let newest = pages.last().unwrap();
    let g = newest.generation();
    save(
        Save::Plain,
        &hb.path().join("content/01-basics/02-second.md"),
        &lesson("The second lesson", "Seen by the newest page."),
    );
    assert_eq!(newest.reload("an edit with many pages opened"), g + 1);
}
