//! Helpers for the `handbook serve` tests: a real server process on a free
//! port, a raw HTTP client, a live-reload (SSE) client, small handbooks to
//! serve, and the ways editors save files.
//!
//! Nothing here sleeps to wait: every wait is for an event or a line of
//! output, with a deadline that only turns a hang into a clear failure.

#![allow(dead_code)]
// (Each test binary uses only some of these helpers.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long any single wait may take before the test fails. Generous: the
/// machine is shared and slow; a correct server answers in milliseconds.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_handbook")
}

/// Writes a file, creating its folder.
pub fn write(path: &Path, text: &str) {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// A small handbook: a home page, one chapter with three lessons, an image.
pub fn small_handbook() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        &root.join("book.toml"),
        "title = \"Serve test\"\nlanguage = \"en\"\n\n[build]\neditions = [\"participant\", \"facilitator\"]\n",
    );
    write(
        &root.join("content/index.md"),
        "---\ntitle: Welcome\n---\n\nThe home page.\n",
    );
    write(
        &root.join("content/01-basics/index.md"),
        "---\ntitle: Basics\n---\n\nThe basics chapter.\n",
    );
    for (i, name) in ["first", "second", "third"].iter().enumerate() {
        write(
            &root.join(format!("content/01-basics/0{}-{name}.md", i + 1)),
            &lesson(
                &format!("The {name} lesson"),
                &format!("Body of the {name} lesson."),
            ),
        );
    }
    write(
        &root.join("content/01-basics/diagram.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    );
    dir
}

/// `--debounce-ms 150`: the save patterns are several system calls made by
/// the tests, and on a busy machine the test thread can pause between two
/// of them for longer than an editor ever does.
pub const DEBOUNCE: [&str; 2] = ["--debounce-ms", "150"];

/// [`DEBOUNCE`] with polling instead of the native watcher.
pub const POLL: [&str; 3] = ["--poll", "--debounce-ms", "150"];

pub fn lesson(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n\n## Section\n\n{body}\n")
}

/// The sample handbook of the repository (content and book.toml), copied.
pub fn sample_handbook() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("book.toml"), dir.path().join("book.toml")).unwrap();
    copy_tree(&repo.join("content"), &dir.path().join("content"));
    dir
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

// ------------------------------------------------------------------ saving

/// How editors and tools save a file; each ends with `path` holding `text`.
#[derive(Debug, Clone, Copy)]
pub enum Save {
    /// Truncate and write in place.
    Plain,
    /// vim with `backupcopy=no`: probe file `4913`, rename the original to
    /// `name~`, write a new file, delete the backup.
    Vim,
    /// JetBrains "safe write": write `name___jb_tmp___`, rename the
    /// original to `name___jb_old___`, rename the temp over, delete the old.
    JetBrains,
    /// `sed -i`: write a temp file `sedXXXXXX` in the same folder, rename it over.
    SedInPlace,
    /// Write `.name.tmp` and rename it over (many editors and `atomicwrites`).
    TempRename,
}

pub fn save(how: Save, path: &Path, text: &str) {
    let dir = path.parent().unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    match how {
        Save::Plain => std::fs::write(path, text).unwrap(),
        Save::Vim => {
            let probe = dir.join("4913");
            std::fs::write(&probe, "").unwrap();
            std::fs::remove_file(&probe).unwrap();
            let backup = dir.join(format!("{name}~"));
            std::fs::rename(path, &backup).unwrap();
            std::fs::write(path, text).unwrap();
            std::fs::remove_file(&backup).unwrap();
        }
        Save::JetBrains => {
            let tmp = dir.join(format!("{name}___jb_tmp___"));
            let old = dir.join(format!("{name}___jb_old___"));
            std::fs::write(&tmp, text).unwrap();
            std::fs::rename(path, &old).unwrap();
            std::fs::rename(&tmp, path).unwrap();
            std::fs::remove_file(&old).unwrap();
        }
        Save::SedInPlace => {
            let tmp = dir.join("sedXk3Qz9");
            std::fs::write(&tmp, text).unwrap();
            std::fs::rename(&tmp, path).unwrap();
        }
        Save::TempRename => {
            let tmp = dir.join(format!(".{name}.tmp"));
            std::fs::write(&tmp, text).unwrap();
            std::fs::rename(&tmp, path).unwrap();
        }
    }
}

// ------------------------------------------------------------------ server

/// A running `handbook serve`, stopped when dropped.
pub struct Served {
    child: Child,
    pub port: u16,
    pub root: PathBuf,
    /// The line that gave the address, on stdout.
    pub announced: String,
    stderr: Arc<(Mutex<String>, Condvar)>,
}

impl Served {
    /// Starts `handbook serve ROOT --port 0 ARGS…` and waits for its address.
    pub fn start(root: &Path, args: &[&str]) -> Served {
        Served::start_with(root, args, true)
    }

    /// Like [`Served::start`]; without `any_port`, no `--port` is passed.
    pub fn start_with(root: &Path, args: &[&str], any_port: bool) -> Served {
        let port_args: &[&str] = if any_port { &["--port", "0"] } else { &[] };
        let mut child = Command::new(bin())
            .arg("serve")
            .arg(root)
            .args(port_args)
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("handbook serve starts");
        let stderr = Arc::new((Mutex::new(String::new()), Condvar::new()));
        let err_pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut r = BufReader::new(err_pipe);
            let mut line = String::new();
            while r.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                let (m, cv) = &*sink;
                m.lock().unwrap().push_str(&line);
                cv.notify_all();
                line.clear();
            }
        });
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let line = match rx.recv_timeout(DEADLINE) {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                let err = stderr.0.lock().unwrap().clone();
                panic!("handbook serve printed no address; stderr:\n{err}");
            }
        };
        let port: u16 = line
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Served {
            child,
            port,
            root: root.to_path_buf(),
            announced: line,
            stderr,
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.0.lock().unwrap().clone()
    }

    /// Waits until the server's stderr contains `needle`.
    pub fn wait_stderr(&self, needle: &str) -> String {
        let (m, cv) = &*self.stderr;
        let deadline = Instant::now() + DEADLINE;
        let mut text = m.lock().unwrap();
        while !text.contains(needle) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!("stderr never said {needle:?}; it said:\n{text}");
            }
            text = cv.wait_timeout(text, left).unwrap().0;
        }
        text.clone()
    }

    /// The exit status if the process has ended.
    pub fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the server");
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        s
    }

    /// Sends raw bytes and reads the whole answer (the server closes).
    pub fn raw(&self, request: &[u8]) -> Vec<u8> {
        let mut s = self.connect();
        s.write_all(request).unwrap();
        let _ = s.shutdown(Shutdown::Write);
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        out
    }

    /// `GET path` with `Host: localhost:PORT`.
    pub fn get(&self, path: &str) -> Resp {
        self.request(
            "GET",
            path,
            &[("Host", &format!("localhost:{}", self.port))],
        )
    }

    pub fn request(&self, method: &str, target: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = format!("{method} {target} HTTP/1.1\r\n");
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("Connection: close\r\n\r\n");
        Resp::parse(&self.raw(req.as_bytes()))
            .unwrap_or_else(|| panic!("no HTTP response to {method} {target}"))
    }

    /// The text of a page as served (live-reload script included).
    pub fn page(&self, path: &str) -> String {
        let r = self.get(path);
        assert_eq!(r.status, 200, "GET {path}: {}", r.text());
        r.text()
    }

    pub fn status(&self) -> Value {
        serde_json::from_slice(&self.get("/__handbook/status").body).unwrap()
    }

    /// Requires the server to serve exactly what a clean build of its
    /// configuration makes: the same files, byte for byte (HTML with the
    /// live-reload script taken out again), search index included.
    pub fn assert_serves_clean_build(&self, edition: handbook::Edition, drafts: bool) {
        let config = handbook::serve::serve_config(&self.root, edition, drafts).unwrap();
        let clean = handbook::build(&config).unwrap();
        assert_eq!(
            self.status()["files"].as_u64(),
            Some(clean.files.len() as u64),
            "{edition:?}, drafts {drafts}: file count"
        );
        for f in &clean.files {
            let r = self.get(&format!("/{}", f.path));
            assert_eq!(r.status, 200, "{}", f.path);
            let body = if f.path.ends_with(".html") {
                handbook::serve::http::strip_injected(&r.body)
            } else {
                r.body
            };
            assert!(body == *f.bytes, "{} differs from a clean build", f.path);
        }
    }

    /// Opens the live-reload stream and waits for its first (`state`) event.
    pub fn events(&self) -> Events {
        let mut ev = Events::open(self, &[]).expect("the live-reload stream opens");
        let (kind, data) = ev.next("the first event");
        assert_eq!(kind, "state", "{data}");
        ev.state = data;
        ev
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn parse(raw: &[u8]) -> Option<Resp> {
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&raw[..end]);
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut body = raw[end + 4..].to_vec();
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
        if chunked {
            body = dechunk(&body);
        }
        Some(Resp {
            status,
            headers,
            body,
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&b[..eol]);
        let size =
            usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap_or(0);
        b = &b[eol + 2..];
        if size == 0 || b.len() < size {
            break;
        }
        out.extend_from_slice(&b[..size]);
        b = &b[(size + 2).min(b.len())..];
    }
    out
}

/// Undoes chunked transfer encoding on a stream.
struct Dechunk<R: BufRead> {
    inner: R,
    left: usize,
    first: bool,
}

impl<R: BufRead> Read for Dechunk<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            let mut line = String::new();
            if !self.first {
                self.inner.read_line(&mut line)?; // the CRLF after a chunk
                line.clear();
            }
            self.first = false;
            if self.inner.read_line(&mut line)? == 0 {
                return Ok(0);
            }
            let size = line.trim().split(';').next().unwrap_or("");
            self.left = usize::from_str_radix(size, 16).unwrap_or(0);
            if self.left == 0 {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.left);
        let got = self.inner.read(&mut buf[..n])?;
        self.left -= got;
        Ok(got)
    }
}

/// At most 2,000 characters of an event's data, for failure messages.
pub fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 2000 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(2000).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

/// A live-reload client: the server's events, in order.
pub struct Events {
    rx: mpsc::Receiver<(String, Value)>,
    stream: TcpStream,
    /// The first `state` event (`Null` until [`Served::events`] reads it).
    pub state: Value,
}

impl Events {
    /// Opens `/__handbook/events` with extra headers; `Err(status)` when refused.
    pub fn open(server: &Served, headers: &[(&str, &str)]) -> Result<Events, Resp> {
        let mut s = server.connect();
        let mut req = format!(
            "GET /__handbook/events HTTP/1.1\r\nHost: localhost:{}\r\nAccept: text/event-stream\r\n",
            server.port
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).unwrap();
        let mut reader = BufReader::new(s.try_clone().unwrap());
        let mut head = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if line == "\r\n" {
                break;
            }
            head.extend_from_slice(line.as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        let resp = Resp::parse(&head).expect("a response head");
        if resp.status != 200 {
            let len: usize = resp
                .header("content-length")
                .and_then(|l| l.parse().ok())
                .unwrap_or(0);
            let mut rest = vec![0; len];
            let _ = reader.read_exact(&mut rest);
            let mut full = head.clone();
            full.extend_from_slice(&rest);
            return Err(Resp::parse(&full).unwrap());
        }
        let chunked = resp
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        let mut reader: Box<dyn BufRead + Send> = if chunked {
            Box::new(BufReader::new(Dechunk {
                inner: reader,
                left: 0,
                first: true,
            }))
        } else {
            Box::new(reader)
        };
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut event = String::from("message");
            let mut data = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                let l = line.trim_end_matches(['\r', '\n']);
                if l.is_empty() {
                    if !data.is_empty() {
                        let v: Value = serde_json::from_str(&data).expect("event data is JSON");
                        if tx
                            .send((std::mem::replace(&mut event, "message".into()), v))
                            .is_err()
                        {
                            break;
                        }
                    }
                    data.clear();
                } else if let Some(e) = l.strip_prefix("event: ") {
                    event = e.to_string();
                } else if let Some(d) = l.strip_prefix("data: ") {
                    data.push_str(d);
                }
                line.clear();
            }
        });
        Ok(Events {
            rx,
            stream: s,
            state: Value::Null,
        })
    }

    /// The next event; fails the test if none comes in time.
    pub fn next(&self, what: &str) -> (String, Value) {
        self.rx
            .recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("no live-reload event came: waited for {what}"))
    }

    /// The next event, which must be a `reload`; returns its generation.
    pub fn reload(&self, what: &str) -> u64 {
        let (kind, data) = self.next(what);
        assert_eq!(
            kind,
            "reload",
            "expected a reload for {what}, got {kind}: {}",
            short(&data)
        );
        data["generation"].as_u64().unwrap()
    }

    /// The next event, which must be `failed`; returns its diagnostics.
    pub fn failed(&self, what: &str) -> Vec<Value> {
        let (kind, data) = self.next(what);
        assert_eq!(
            kind,
            "failed",
            "expected a failed build for {what}, got {kind}: {}",
            short(&data)
        );
        data["diagnostics"].as_array().unwrap().clone()
    }

    /// Whether another event is already waiting (no waiting).
    pub fn pending(&self) -> Option<(String, Value)> {
        self.rx.try_recv().ok()
    }

    /// The stream's socket.
    pub fn socket(&self) -> &TcpStream {
        &self.stream
    }

    pub fn generation(&self) -> u64 {
        self.state["generation"].as_u64().unwrap()
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}
