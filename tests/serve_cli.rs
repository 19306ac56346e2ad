//! `handbook serve` options: ports, bind address, editions, drafts, and
//! that serving never writes the site to disk.

mod serve_common;

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::mpsc;

use handbook::Edition;
use serve_common::*;

/// Runs `handbook serve ARGS…`, which is expected to exit by itself.
fn run_to_exit(args: &[&str]) -> (bool, String) {
    let mut child = Command::new(bin())
        .arg("serve")
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        let _ = tx.send(s);
    });
    let text = match rx.recv_timeout(DEADLINE) {
        Ok(t) => t,
        Err(_) => {
            let _ = child.kill();
            panic!("handbook serve {args:?} did not exit");
        }
    };
    let status = child.wait().unwrap();
    (status.success(), text)
}

#[test]
fn a_busy_default_port_moves_on_and_says_so() {
    // Hold the default port if it is free; if something else holds it, it
    // is busy all the same.
    let _held = TcpListener::bind(("127.0.0.1", 3000)).ok();
    let hb = small_handbook();
    let s = Served::start_with(hb.path(), &[], false);
    assert_ne!(s.port, 3000);
    s.wait_stderr(&format!(
        "port 3000 is in use; using port {} instead",
        s.port
    ));
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn an_explicit_busy_port_is_an_error() {
    let held = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let hb = small_handbook();
    let (ok, err) = run_to_exit(&[hb.path().to_str().unwrap(), "--port", &port]);
    assert!(!ok);
    assert!(
        err.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(err.contains("choose another with --port"), "{err}");
    assert!(err.contains("serve failed: 1 error"), "{err}");
    assert!(!err.contains("build failed"), "{err}");
}

#[test]
fn a_folder_without_book_toml_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, err) = run_to_exit(&[dir.path().to_str().unwrap(), "--port", "0"]);
    assert!(!ok);
    assert!(err.contains("not a handbook"), "{err}");
}

#[test]
fn binding_every_interface_warns() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &["--bind", "0.0.0.0"]);
    let err = s.wait_stderr("warning: listening on 0.0.0.0");
    assert!(err.contains("drafts"), "{err}");
    // Reachable by IP address, still not by a foreign name.
    let port = s.port;
    assert_eq!(
        s.request("GET", "/", &[("Host", &format!("127.0.0.1:{port}"))])
            .status,
        200
    );
    assert_eq!(
        s.request("GET", "/", &[("Host", &format!("10.1.2.3:{port}"))])
            .status,
        200
    );
    assert_eq!(
        s.request("GET", "/", &[("Host", &format!("evil.example:{port}"))])
            .status,
        403
    );
}

#[test]
fn loopback_binding_does_not_warn() {
    let hb = small_handbook();
    let s = Served::start(hb.path(), &[]);
    s.get("/");
    let err = s.wait_stderr("watching");
    assert!(!err.contains("warning: listening"), "{err}");
}

#[test]
fn editions_and_drafts() {
    let hb = small_handbook();
    write(
        &hb.path().join("content/01-basics/04-draft.md"),
        "---\ntitle: A draft lesson\ndraft: true\n---\n\nNot finished.\n",
    );
    // Drafts are shown by default, and the address line says so;
    // --no-drafts previews the published site.
    let s = Served::start(hb.path(), &[]);
    assert!(
        s.announced
            .starts_with("serving the participant edition, including drafts, at http://"),
        "{}",
        s.announced
    );
    assert!(s.page("/basics/draft.html").contains("Not finished."));
    s.assert_serves_clean_build(Edition::Participant, true);
    drop(s);
    let s = Served::start(hb.path(), &["--no-drafts"]);
    assert!(
        s.announced
            .starts_with("serving the participant edition at http://"),
        "{}",
        s.announced
    );
    assert_eq!(s.get("/basics/draft.html").status, 404);
    // The 404 page, shown one folder down, still finds its styles and links.
    let missing = s.get("/basics/draft.html");
    let body = String::from_utf8_lossy(&missing.body);
    assert!(body.contains("<head><base href=\"/\">"), "{body}");
    assert_eq!(s.get("/_theme/style.css").status, 200);
    s.assert_serves_clean_build(Edition::Participant, false);
    drop(s);
    let s = Served::start(hb.path(), &["--edition", "facilitator"]);
    s.assert_serves_clean_build(Edition::Facilitator, true);
}

#[test]
fn serving_writes_nothing() {
    let hb = small_handbook();
    let before: Vec<_> = walk(hb.path());
    let s = Served::start(hb.path(), &DEBOUNCE);
    let ev = s.events();
    save(
        Save::Plain,
        &hb.path().join("content/01-basics/02-second.md"),
        &lesson("The second lesson", "Edited."),
    );
    ev.reload("the edit");
    drop(ev);
    drop(s);
    let after: Vec<_> = walk(hb.path());
    assert_eq!(before, after, "serving must not create or delete files");
}

fn walk(root: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
        .collect();
    v.sort();
    v
}
