//! A tiny static file server, so that browser tests can load a built site
//! over `http://` as well as from `file://`.
//!
//! GET only, one thread per connection, one request per connection
//! (`Connection: close`), nothing cached. `/` and `dir/` serve
//! `index.html`; `dir` redirects to `dir/` so that relative links resolve as
//! on a real host. Paths with a `..` segment (also as `%2e%2e`) or a bad
//! escape get 404, like missing files.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// Serves the files under a directory on `127.0.0.1`, on a free port, until
/// dropped.
pub struct StaticServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accepter: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Starts serving `root`.
    pub fn start(root: &Path) -> StaticServer {
        let root = root
            .canonicalize()
            .unwrap_or_else(|e| panic!("{}: {e}", root.display()));
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
        let addr = listener.local_addr().expect("the server's address");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let accepter = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let root = root.clone();
                thread::spawn(move || {
                    // A client that hangs up early is no concern of a test.
                    let _ = serve(&root, stream);
                });
            }
        });
        StaticServer {
            addr,
            stop,
            accepter: Some(accepter),
        }
    }

    /// The URL of `path` on this server (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(accepter) = self.accepter.take() {
            let _ = accepter.join();
        }
    }
}

/// Answers the one request on `stream`.
fn serve(root: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read the headers to their end so that the client sees no reset.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }

    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let response = if method != "GET" {
        Response::status(405, "Method Not Allowed")
    } else {
        match resolve(root, target) {
            Some(Target::File(file)) => match std::fs::read(&file) {
                Ok(body) => Response {
                    status: "200 OK".into(),
                    headers: vec![(
                        "Content-Type",
                        handbook::serve::http::content_type(&file.to_string_lossy()).into(),
                    )],
                    body,
                },
                Err(_) => Response::status(404, "Not Found"),
            },
            Some(Target::Directory) => {
                let path = target.split(['?', '#']).next().unwrap_or(target);
                Response {
                    status: "301 Moved Permanently".into(),
                    headers: vec![("Location", format!("{path}/"))],
                    body: Vec::new(),
                }
            }
            None => Response::status(404, "Not Found"),
        }
    };
    response.write_to(&mut stream)
}

enum Target {
    File(PathBuf),
    /// A directory asked for without its trailing slash.
    Directory,
}

/// Maps a request target to what it names under `root`; `None` for what
/// does not exist or may not be served (`..`, bad escapes).
fn resolve(root: &Path, target: &str) -> Option<Target> {
    let path = target.split(['?', '#']).next()?;
    let path = percent_decode(path.strip_prefix('/')?)?;
    let mut file = root.to_path_buf();
    for segment in path.split('/').filter(|s| !s.is_empty() && *s != ".") {
        if segment == ".." || segment.contains('\\') {
            return None;
        }
        file.push(segment);
    }
    if file.is_dir() {
        if !path.is_empty() && !path.ends_with('/') {
            return Some(Target::Directory);
        }
        file.push("index.html");
    }
    file.is_file().then_some(Target::File(file))
}

/// Decodes `%XX` escapes; `None` if one is malformed or the result is not
/// UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

struct Response {
    status: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    /// A plain-text error response.
    fn status(code: u16, reason: &str) -> Response {
        Response {
            status: format!("{code} {reason}"),
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
            body: format!("{code} {reason}\n").into_bytes(),
        }
    }

    fn write_to(&self, stream: &mut TcpStream) -> std::io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
            self.status,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(&self.body)?;
        stream.flush()
    }
}
